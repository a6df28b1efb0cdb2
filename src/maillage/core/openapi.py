"""Parameters described in the OpenAPI schema exactly as the API reads them.

A date parameter said to be a plain string lets a client (or schemathesis)
send « hosted_places » and be refused; ``format: date`` lets it send year 1.
These helpers describe dates and moments with the platform's bounds
(:data:`maillage.core.params.MIN_YEAR` to ``MAX_YEAR``) as a pattern, so that
what the schema calls valid is what the API accepts.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from .params import MAX_YEAR, MIN_YEAR

assert (MIN_YEAR, MAX_YEAR) == (1970, 2200)  # the year pattern below spells these bounds
_YEAR = r"(19[7-9]\d|20\d\d|21\d\d|2200)"
_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])"  # up to the 28th: every month has it
DATE_PATTERN = rf"^{_YEAR}-{_DAY}$"
DATETIME_PATTERN = (
    rf"^{_YEAR}-{_DAY}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$"
)


def date_parameter(name: str, description: str = "", required: bool = False) -> OpenApiParameter:
    """A day, ``AAAA-MM-JJ``, between 1970 and 2200."""
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": DATE_PATTERN, "example": "2026-12-03"},
        description=description or f"AAAA-MM-JJ, entre {MIN_YEAR} et {MAX_YEAR}.",
        required=required,
    )


def datetime_parameter(
    name: str, description: str = "", required: bool = False
) -> OpenApiParameter:
    """A moment, ISO 8601, between 1970 and 2200; without an offset: Paris time."""
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": DATETIME_PATTERN, "example": "2026-12-03T14:30"},
        description=description
        or f"ISO 8601 (heure de Paris si sans décalage), entre {MIN_YEAR} et {MAX_YEAR}.",
        required=required,
    )


def number_parameter(
    name: str,
    minimum: float,
    maximum: float,
    description: str = "",
    *,
    integer: bool = False,
    exclusive_minimum: bool = False,
    many: bool = False,
    max_items: int | None = None,
    required: bool = False,
) -> OpenApiParameter:
    """A number the API bounds, with its bounds in the schema (clients and schemathesis
    then know them): the view still checks them and answers 400 with a message."""
    schema: dict = {"type": "integer" if integer else "number", "minimum": minimum}
    schema["maximum"] = maximum
    if exclusive_minimum:
        schema["exclusiveMinimum"] = True  # OpenAPI 3.0: a flag on minimum
    if many:
        schema = {"type": "array", "items": schema}
        if max_items is not None:
            schema["maxItems"] = max_items
    return OpenApiParameter(
        name, schema, description=description, required=required, explode=True if many else None
    )


# Parameters that mean the same in every API, described once: a query parameter
# of that name gets this schema wherever it appears (postprocessing hook below).
_LAT = r"-?([1-8]?\d(\.\d{1,6})?|90(\.0{1,6})?)"
_LON = r"-?((1[0-7]\d|\d{1,2})(\.\d{1,6})?|180(\.0{1,6})?)"
_DEPT = r"(\d{2,3}|2[AB])"
_INSEE = r"(\d{5}|2[AB]\d{3})"
SHARED_PARAMETERS: dict[str, dict] = {
    "dept": {"type": "string", "pattern": rf"^{_DEPT}(,{_DEPT})*$", "example": "48"},
    "commune": {"type": "string", "pattern": rf"^{_INSEE}$", "example": "48095"},
    "around": {"type": "string", "pattern": rf"^{_INSEE}$", "example": "48095"},
    "near": {"type": "string", "pattern": rf"^{_LAT},{_LON}$", "example": "44.5181,3.5006"},
    "q": {"type": "string", "maxLength": 100, "pattern": "^[^\\x00]*$"},
}
#: no NUL character in any text parameter (refused by the middleware, PostgreSQL cannot store it)
NO_NUL = "^[^\\x00]*$"


def shared_parameters_hook(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: apply :data:`SHARED_PARAMETERS`."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                shared = SHARED_PARAMETERS.get(parameter.get("name"))
                if parameter.get("in") == "query" and shared is not None:
                    if parameter["schema"].get("type") == "array":
                        parameter["schema"]["items"] = dict(shared)
                    else:
                        parameter["schema"] = dict(shared)
                schema = parameter.get("schema", {})
                schema = schema.get("items", schema) if schema.get("type") == "array" else schema
                if schema.get("type") == "string" and not (
                    {"pattern", "enum", "format"} & set(schema)
                ):
                    schema["pattern"] = NO_NUL
                if parameter.get("in") == "query" and not parameter.get("required"):
                    _empty_means_absent(parameter)
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for media in (body or {}).get("content", {}).values():
                _no_nul_in_text(media.get("schema", {}), result.get("components", {}))
    return result


def _no_nul_in_text(schema: dict, components: dict) -> None:
    """Text fields of a request body admit no NUL character either (the middleware
    refuses it in every form field): say so with a pattern."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = components.get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    for field in schema.get("properties", {}).values():
        if field.get("type") == "string" and not ({"pattern", "enum", "format"} & set(field)):
            field["pattern"] = NO_NUL
    if schema.get("type") == "object" and schema.get("additionalProperties", True) in (True, {}):
        # other fields are ignored, but their text cannot hold NUL either
        schema["additionalProperties"] = {"pattern": NO_NUL}


def _empty_means_absent(parameter: dict) -> None:
    """An optional query parameter sent empty (``?family=``, as an HTML form sends a
    field left blank) counts as absent everywhere in the API: say so in its schema,
    so that its closed list or pattern still admits the empty value."""
    schema = parameter["schema"]
    target = schema["items"] if schema.get("type") == "array" else schema
    if "$ref" in target:
        empty = {"type": "string", "maxLength": 0}
        replacement = {"anyOf": [dict(target), empty]}
        if target is schema:
            parameter["schema"] = replacement
        else:
            schema["items"] = replacement
    elif "enum" in target and "" not in target["enum"]:
        target["enum"] = [*target["enum"], ""]
    elif "pattern" in target and target["pattern"] != NO_NUL:
        inner = target["pattern"].removeprefix("^").removesuffix("$")
        target["pattern"] = f"^(?:{inner})?$"
    elif target.get("type") in ("boolean", "integer", "number"):
        replacement = {"anyOf": [dict(target), {"type": "string", "maxLength": 0}]}
        if target is schema:
            parameter["schema"] = replacement
        else:
            schema["items"] = replacement
