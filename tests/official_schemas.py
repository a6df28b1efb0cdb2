"""The national schemas' own validators, as tests use them on our exports.

- data·inclusion v1: the ``data-inclusion-schema`` package's pydantic models,
  with the schema's warnings ("avertissements") raised as errors and no field
  the model does not know.
- « lieux de médiation numérique » 1.0.2: the standard's Table Schema, read from
  the open-data folder (``standards/`` under MAILLAGE_OPEN_DATA, the copy
  published by LaMednum), checked by frictionless.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pydantic
from data_inclusion.schema import v1 as di

MEDNUM_SCHEMA = "standards/mediation-numerique-schema-1.0.2.json"
MEDNUM_VALID_EXAMPLE = "standards/mediation-numerique-exemple-valide-1.0.2.csv"


def open_data(name: str) -> Path:
    return Path(os.environ["MAILLAGE_OPEN_DATA"]) / name


def _di_errors(model, record: dict) -> list[str]:
    unknown = [
        f"{name}: not a field of {model.__name__}"
        for name in record
        if name not in model.model_fields
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            model.model_validate(record, context={"ignore_warnings": False})
        except pydantic.ValidationError as error:
            return unknown + [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    return unknown


def di_structure_errors(record: dict) -> list[str]:
    """What data·inclusion's own Structure model says is wrong with ``record`` (empty: valid)."""
    return _di_errors(di.Structure, record)


def di_service_errors(record: dict) -> list[str]:
    """What data·inclusion's own Service model says is wrong with ``record`` (empty: valid)."""
    return _di_errors(di.Service, record)


def mednum_csv_errors(text: str) -> list[str]:
    """What frictionless says is wrong with a CSV against the standard's schema 1.0.2."""
    import frictionless

    descriptor = json.loads(open_data(MEDNUM_SCHEMA).read_text(encoding="utf-8"))
    schema = frictionless.Schema.from_descriptor(descriptor)
    resource = frictionless.Resource(
        data=text.encode("utf-8"), format="csv", encoding="utf-8", schema=schema
    )
    report = frictionless.validate(resource)
    return [
        f"{error.type} (row {getattr(error, 'row_number', '-')}, "
        f"field {getattr(error, 'field_name', '-')}): {error.note}"
        for task in report.tasks
        for error in task.errors
    ] + [f"{error.type}: {error.note}" for error in report.errors]
