"""Import the ANCT's list of France Services (data.gouv.fr CSV, exactly as published).

Columns: ``id_fs, insee_dep, lib_fs, adresse, complement_adresse, insee_com,
code_postal, lib_com, latitude, longitude, mail, telephone, h_lundi … h_samedi
(08:30 - 12:00 / 13:30 - 17:30), prise_rdv, commentaire, type_fs
(Principal/Antenne), format_fs (Fixe, Multisites, Itinérante, Bus_équivalent,
Fixe_antenne(s)), groupe_fs, labellisation_fs``.

The whole file is read and checked before anything is written: a bad value
stops the import with the file, the physical line (a quoted value may span
several lines) and the field. Then, in one transaction, new rows are created
and changed rows updated (``source="france-services"``, ``source_id=id_fs``);
unchanged rows are not touched, so a second import of the same file writes
nothing, not even history.

A France Services located by a municipal arrondissement's code (Paris 751xx, Lyon
6938x, Marseille 132xx) is attached to its commune (the city), the arrondissement
kept in ``Place.arrondissement`` for display (maillage.territory.codes).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from tqdm import tqdm

from maillage.core import clock
from maillage.core.progress import SILENT, Progress
from maillage.opendata import DataError, Problem, france_services_source, open_binary
from maillage.opendata.download import bar_disabled, read_meta
from maillage.opendata.sources import is_url, resolve
from maillage.territory.codes import commune_code, commune_of_arrondissement
from maillage.territory.models import Commune

from .. import hours
from ..models import Fee, Function, Place, PlaceFunction, PlaceType
from ..services import ensure_network

SOURCE = "france-services"
COLUMNS = [
    "id_fs",
    "insee_dep",
    "lib_fs",
    "adresse",
    "complement_adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "mail",
    "telephone",
    "h_lundi",
    "h_mardi",
    "h_mercredi",
    "h_jeudi",
    "h_vendredi",
    "h_samedi",
    "prise_rdv",
    "commentaire",
    "type_fs",
    "format_fs",
    "groupe_fs",
    "labellisation_fs",
]
WEEKDAYS = [
    ("h_lundi", "Mo"),
    ("h_mardi", "Tu"),
    ("h_mercredi", "We"),
    ("h_jeudi", "Th"),
    ("h_vendredi", "Fr"),
    ("h_samedi", "Sa"),
]
MOBILE_FORMATS = {"Itinérante", "Bus_équivalent"}
FUNCTIONS = ["public-service-orientation", "digital-mediation", "digital-access"]
NETWORK = {
    "slug": "france-services",
    "name": "France Services",
    "url": "https://www.france-services.gouv.fr/",
}
SUMMARY = (
    "Espace France services : un guichet unique pour les démarches administratives du quotidien."
)
APPOINTMENT_NOTE = "Prise de rendez-vous possible."
#: fields the import owns (a re-import sets them back to the file's values)
IMPORTED_FIELDS = [
    "name",
    "type",
    "summary",
    "description",
    "address",
    "postal_code",
    "commune_id",
    "arrondissement",
    "latitude",
    "longitude",
    "is_mobile",
    "email",
    "phone",
    "opening_hours",
    "hours_note",
    "fee",
    "official_kind",
    "official_format",
    "last_checked_at",
]
STATUS_LABELS = {
    "created": gettext_lazy("créée"),
    "updated": gettext_lazy("mise à jour"),
    "unchanged": gettext_lazy("inchangée"),
}
_RANGE = re.compile(r"^(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_CODE = re.compile(r"^(\d\d|2[AB])\d{3}$")
_DATE_IN_NAME = re.compile(r"(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])")


# Hours ------------------------------------------------------------------------


def parse_day(value: str) -> list[tuple[int, int]]:
    """``08:30 - 12:00 / 13:30 - 17:30`` -> [(510, 720), (810, 1050)] in minutes, sorted and
    merged; empty ranges (``00:00 - 00:00``, how the file says "closed") are dropped.
    Raises ValueError on anything else."""
    ranges = []
    for part in value.split("/"):
        match = _RANGE.match(part.strip())
        if not match:
            raise ValueError(
                _("« %(value)s » : plage horaire illisible (attendu « 08:30 - 12:00 »).")
                % {"value": part.strip()}
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or h1 * 60 + m1 > 1440 or h2 * 60 + m2 > 1440:
            raise ValueError(_("« %(value)s » : heure impossible.") % {"value": part.strip()})
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            continue
        if end < start:
            raise ValueError(
                _("« %(value)s » : la fin précède le début.") % {"value": part.strip()}
            )
        ranges.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def osm_opening_hours(days: dict[str, list[tuple[int, int]]]) -> str:
    """Weekday ranges -> OSM ``opening_hours``, consecutive identical days grouped,
    closed on public holidays (``PH off``). No hours at all: "" (unknown)."""
    order = [code for _column, code in WEEKDAYS]
    rules, run = [], []
    for code in [*order, None]:
        if run and (code is None or days.get(code) != days.get(run[0])):
            spans = ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in days[run[0]])
            label = run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}"
            rules.append(f"{label} {spans}")
            run = []
        if code is not None and days.get(code):
            run.append(code)
    return "; ".join([*rules, "PH off"]) if rules else ""


# Reading ----------------------------------------------------------------------


@dataclass
class Row:
    line: int
    source_id: str
    departement: str
    commune_code: str
    values: dict


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _clean_text(value: str) -> str:
    lines = [line.strip() for line in (value or "").splitlines()]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


def _first_email(value: str) -> str:
    for candidate in _EMAIL.findall(value or ""):
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        if len(candidate) <= 254:
            return candidate
    return ""


def _coordinate(value: str, low: float, high: float) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    number = float(value.replace(",", "."))  # ValueError when not a number
    if not low <= number <= high:
        raise ValueError(value)
    return number


_LIMITS = [
    ("id_fs", 60),
    ("lib_fs", 200),
    ("type_fs", 30),
    ("format_fs", 30),
    ("telephone", 40),
    ("insee_dep", 3),
]


def _check_codes(record: dict, problem) -> None:
    for column, limit in _LIMITS:
        if len(_clean(record[column])) > limit:
            problem(
                column, _("valeur trop longue (%(limit)s caractères au plus).") % {"limit": limit}
            )
    for column in ("id_fs", "insee_dep", "lib_fs", "insee_com"):
        if not _clean(record[column]):
            problem(column, _("valeur manquante."))
    code = record["insee_com"].strip()
    if code and not _CODE.match(code):
        problem(
            "insee_com", _("« %(value)s » n'est pas un code INSEE de commune.") % {"value": code}
        )
    postal_code = record["code_postal"].strip()
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        problem(
            "code_postal", _("« %(value)s » n'est pas un code postal.") % {"value": postal_code}
        )
    if record["prise_rdv"].strip() not in {"", "Oui", "Non"}:
        problem(
            "prise_rdv", _("« %(value)s » : Oui ou Non attendu.") % {"value": record["prise_rdv"]}
        )


def _coordinates(record: dict, problem) -> dict:
    found = {}
    for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        try:
            found[column] = _coordinate(record[column], low, high)
        except ValueError:
            problem(
                column,
                _("« %(value)s » n'est pas une %(what)s entre %(low)s et %(high)s.")
                % {"value": record[column], "what": column, "low": low, "high": high},
            )
    if len(found) == 2 and (found["latitude"] is None) != (found["longitude"] is None):
        missing = "latitude" if found["latitude"] is None else "longitude"
        problem(missing, _("latitude et longitude vont ensemble."))
    return found


def _opening_hours(record: dict, problem) -> str:
    days = {}
    for column, code in WEEKDAYS:
        if record[column].strip():
            try:
                days[code] = parse_day(record[column])
            except ValueError as exc:
                problem(column, str(exc))
    expression = osm_opening_hours(days)
    try:
        hours.validate(expression)
    except hours.InvalidOpeningHours as exc:
        problem("h_lundi", str(exc))
    return expression


def _row_values(
    record: dict, line: int, name: str, problems: list[Problem], checked_at
) -> dict | None:
    """The place's field values for one CSV record, or None after adding its problems."""
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(Problem(name, line, column, message))

    _check_codes(record, problem)
    coordinates = _coordinates(record, problem)
    opening_hours = _opening_hours(record, problem)
    if len(problems) > before:
        return None
    address = ", ".join(
        p for p in (_clean(record["adresse"]), _clean(record["complement_adresse"])) if p
    )
    # located by a municipal arrondissement's code: the commune is the city (see
    # read_rows), the arrondissement is kept for display
    code = record["insee_com"].strip()
    arrondissement = (
        (_clean(record["lib_com"]) or code)[:80] if commune_of_arrondissement(code) else ""
    )
    return {
        "name": _clean(record["lib_fs"]),
        "type": PlaceType.FRANCE_SERVICES.value,
        "summary": SUMMARY,
        "description": _clean_text(record["commentaire"]),
        "address": address[:300],
        "postal_code": record["code_postal"].strip(),
        "arrondissement": arrondissement,
        "latitude": coordinates["latitude"],
        "longitude": coordinates["longitude"],
        "is_mobile": _clean(record["format_fs"]) in MOBILE_FORMATS,
        "email": _first_email(record["mail"]),
        "phone": _clean(record["telephone"]),
        "opening_hours": opening_hours,
        "hours_note": APPOINTMENT_NOTE if record["prise_rdv"].strip() == "Oui" else "",
        "fee": Fee.FREE.value,
        "official_kind": _clean(record["type_fs"]),
        "official_format": _clean(record["format_fs"]),
        "last_checked_at": checked_at,
    }


def read_rows(
    source,
    departements: Iterable[str] | None = None,
    *,
    checked_at=None,
    progress: bool | None = False,
) -> tuple[list[Row], str]:
    """Read and check every row of the CSV; keep the rows of ``departements`` (all when None).
    Raises :class:`DataError` naming file, line and field of every problem."""
    binary, name = open_binary(source, suffix=".csv")
    wanted = {str(d) for d in departements} if departements else None
    rows: list[Row] = []
    problems: list[Problem] = []
    with binary:
        first_line = binary.read(8192).split(b"\n", 1)[0]
        binary.seek(0)
        # as published: commas; a copy re-saved by a spreadsheet may use semicolons
        delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        try:
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise DataError(
                    [Problem(name, 1, c, _("colonne absente de l'en-tête.")) for c in missing]
                )
            seen: dict[str, int] = {}
            for record in tqdm(
                reader,
                desc=_("France Services"),
                unit=" lignes",
                disable=bar_disabled(progress),
                leave=False,
            ):
                line = reader.line_num - _lines_in(record) + 1
                if not record or record == [""]:
                    continue
                if len(record) != len(header):
                    problems.append(
                        Problem(
                            name,
                            line,
                            None,
                            _("%(found)s colonnes au lieu de %(expected)s.")
                            % {"found": len(record), "expected": len(header)},
                        )
                    )
                    continue
                values = dict(zip(header, record, strict=True))
                source_id = values["id_fs"].strip()
                if source_id in seen:
                    problems.append(
                        Problem(
                            name,
                            line,
                            "id_fs",
                            _("identifiant déjà vu ligne %(line)s.") % {"line": seen[source_id]},
                        )
                    )
                    continue
                seen[source_id] = line
                fields = _row_values(values, line, name, problems, checked_at)
                if fields is None:
                    continue
                departement = values["insee_dep"].strip()
                if wanted is not None and departement not in wanted:
                    continue
                rows.append(
                    Row(line, source_id, departement, commune_code(values["insee_com"]), fields)
                )
        except UnicodeDecodeError as exc:
            raise DataError.single(
                name, line + 1, None, _("le fichier n'est pas en UTF-8.")
            ) from exc
        except csv.Error as exc:
            raise DataError.single(
                name, reader.line_num, None, _("CSV illisible : %(error)s") % {"error": exc}
            ) from exc
    if problems:
        raise DataError(problems)
    return rows, name


def _lines_in(record: list[str]) -> int:
    """How many physical lines a parsed record spanned (its embedded line breaks + 1)."""
    return 1 + sum(len(re.findall(r"\r\n|\r|\n", value)) for value in record)


def file_date(source, name: str) -> dt.date:
    """The date of the data: in the file name or URL (``…-2024-08-01.csv``,
    ``…-20240801.csv``), else the server's Last-Modified of a download, else the
    file's modification date, else today."""
    path = None
    if isinstance(source, str | Path):
        path = resolve(source) if is_url(source) else Path(source)
    meta = read_meta(path) if path is not None else {}
    for candidate in (str(name), str(getattr(source, "name", "")), meta.get("url", "")):
        match = _DATE_IN_NAME.search(Path(candidate.split("?")[0]).name)
        if match:
            return dt.date(*(int(g) for g in match.groups()))
    if meta.get("last_modified"):
        return parsedate_to_datetime(meta["last_modified"]).date()
    if path is not None and path.exists():
        return dt.date.fromtimestamp(path.stat().st_mtime)
    return timezone.localdate()


# Import -----------------------------------------------------------------------


@dataclass
class LineResult:
    line: int
    source_id: str
    name: str
    status: str  # created, updated, unchanged
    changes: list[str] = field(default_factory=list)


@dataclass
class FranceServicesImport:
    file: str
    as_of: dt.date
    departements: list[str] | None
    lines: list[LineResult] = field(default_factory=list)
    #: (line, id_fs, insee_com) of rows whose commune is not in the database
    without_commune: list[tuple[int, str, str]] = field(default_factory=list)
    #: id_fs of France Services in the database that this file no longer lists
    absent: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def summary(self, verbose: bool = False) -> list[str]:
        scope = (
            _("départements %(deps)s") % {"deps": ", ".join(self.departements)}
            if self.departements
            else _("toute la France")
        )
        out = [
            _(
                "France Services de %(file)s (données du %(date)s, %(scope)s) : %(total)s lignes, "
                "%(created)s créées, %(updated)s mises à jour, %(unchanged)s inchangées, 0 erreur."
            )
            % {
                "file": self.file,
                "date": self.as_of.isoformat(),
                "scope": scope,
                "total": len(self.lines),
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
            }
        ]
        for result in self.lines:
            if verbose or result.status == "updated":
                detail = f" ({', '.join(result.changes)})" if result.changes else ""
                out.append(
                    f"  ligne {result.line} · id_fs {result.source_id} · {result.name} : "
                    f"{STATUS_LABELS[result.status]}{detail}"
                )
        if self.without_commune:
            by_dep = Counter(
                code[:3] if code.startswith("97") else code[:2]
                for _line, _id, code in self.without_commune
            )
            out.append(
                _(
                    "%(count)s France Services sans commune dans la base (commune non importée), "
                    "par département : %(deps)s"
                )
                % {
                    "count": len(self.without_commune),
                    "deps": ", ".join(f"{d} ({n})" for d, n in sorted(by_dep.items())),
                }
            )
            if len(self.without_commune) <= 20 or verbose:
                out += [
                    f"  ligne {line} · id_fs {sid} · commune {code}"
                    for line, sid, code in self.without_commune
                ]
        if self.absent:
            out.append(
                _(
                    "%(count)s France Services de la base ne sont plus dans ce fichier "
                    "(laissés tels quels) : id_fs %(ids)s"
                )
                % {"count": len(self.absent), "ids": ", ".join(self.absent[:50])}
            )
        return out


def _slugs_for(rows: list[Row], taken: set[str]) -> dict[str, str]:
    slugs = {}
    for row in rows:
        base = slugify(row.values["name"])[:200] or "france-services"
        slug = base if base not in taken else f"{base}-{row.source_id}"
        n = 2
        while slug in taken:
            slug, n = f"{base}-{row.source_id}-{n}", n + 1
        taken.add(slug)
        slugs[row.source_id] = slug
    return slugs


def import_france_services(
    source=None,
    departements: Iterable[str] | None = None,
    *,
    as_of: dt.date | None = None,
    progress: bool | None = False,
    refresh: bool = False,
    steps: Progress = SILENT,
) -> FranceServicesImport:
    """Import France Services from ``source`` (path, URL or file; default: the open-data
    source), only those of ``departements`` when given. All or nothing.
    ``progress``: tqdm bars of the download and the reading (None: on a terminal);
    ``steps``: two steps, reading and writing."""
    steps.step(_("Lecture des France Services…"))
    if source is None:
        source = france_services_source(refresh=refresh, progress=progress)
    name = str(source) if isinstance(source, str | Path) else str(getattr(source, "name", ""))
    as_of = as_of or file_date(source, name)
    checked_at = dt.datetime.combine(as_of, dt.time(), hours.PARIS)
    rows, name = read_rows(source, departements, checked_at=checked_at, progress=progress)
    steps.detail(_("%(count)s lignes lues") % {"count": len(rows)})
    report = FranceServicesImport(
        file=name, as_of=as_of, departements=sorted(departements) if departements else None
    )
    reason = f"Import France Services {as_of.isoformat()}"
    steps.step(_("Écriture dans la base…"))
    with transaction.atomic():
        _write(rows, report, reason)
    return report


def _write(rows: list[Row], report: FranceServicesImport, reason: str) -> None:
    from ..taxonomy import sync_taxonomy

    communes = set(
        Commune.objects.filter(code__in={r.commune_code for r in rows}).values_list(
            "code", flat=True
        )
    )
    existing = {p.source_id: p for p in Place.objects.filter(source=SOURCE)}
    now = clock.now()
    new_rows, changed, changed_fields = [], [], set()
    for row in rows:
        values = dict(
            row.values, commune_id=row.commune_code if row.commune_code in communes else None
        )
        if values["commune_id"] is None:
            report.without_commune.append((row.line, row.source_id, row.commune_code))
        place = existing.get(row.source_id)
        if place is None:
            new_rows.append((row, values))
            report.lines.append(LineResult(row.line, row.source_id, values["name"], "created"))
            continue
        diff = [f for f in IMPORTED_FIELDS if getattr(place, f) != values[f]]
        if diff:
            for f in diff:
                setattr(place, f, values[f])
            place.updated_at = now
            changed.append(place)
            changed_fields.update(diff)
        report.lines.append(
            LineResult(
                row.line, row.source_id, values["name"], "updated" if diff else "unchanged", diff
            )
        )
    if not report.departements:
        in_file = {r.source_id for r in rows}
        report.absent = sorted((sid for sid in existing if sid not in in_file), key=_numeric_first)

    taken = set(
        Place.objects.filter(slug__in={slugify(v["name"])[:200] for _r, v in new_rows}).values_list(
            "slug", flat=True
        )
    )
    slugs = _slugs_for([r for r, _v in new_rows], taken)
    created = bulk_create_with_history(
        [
            Place(source=SOURCE, source_id=r.source_id, slug=slugs[r.source_id], **v)
            for r, v in new_rows
        ],
        Place,
        batch_size=500,
        default_change_reason=reason,
    )
    if changed:
        bulk_update_with_history(
            changed,
            Place,
            [*sorted(changed_fields), "updated_at"],
            batch_size=500,
            default_change_reason=reason,
        )

    places = [*created, *(existing[r.source_id] for r in rows if r.source_id in existing)]
    if not Function.objects.filter(slug__in=FUNCTIONS).count() == len(FUNCTIONS):
        sync_taxonomy()
    functions = list(Function.objects.filter(slug__in=FUNCTIONS))
    have = set(
        PlaceFunction.objects.filter(place__source=SOURCE).values_list("place_id", "function_id")
    )
    missing = [
        PlaceFunction(place_id=p.pk, function_id=f.pk)
        for p in places
        for f in functions
        if (p.pk, f.pk) not in have
    ]
    if missing:
        bulk_create_with_history(
            missing, PlaceFunction, batch_size=500, default_change_reason=reason
        )

    network = ensure_network(**NETWORK)
    through = Place.networks.through
    linked = set(through.objects.filter(network=network).values_list("place_id", flat=True))
    through.objects.bulk_create(
        [through(place_id=p.pk, network_id=network.pk) for p in places if p.pk not in linked],
        batch_size=500,
    )


def _numeric_first(value: str):
    return (0, int(value), "") if value.isdigit() else (1, 0, value)
