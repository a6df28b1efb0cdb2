"""The read-only public API: places, communes, functions, open-data exports.

Filtering is :mod:`maillage.places.search`'s (the web front uses the same);
a bad parameter is a 400 whose JSON body names it and says why, never a 500.
No authentication: everything here is public data (writes go through
participation).
"""

from __future__ import annotations

import hashlib
import json
import re

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from maillage.core import clock
from maillage.core.api_errors import BadParameter, error_responses
from maillage.core.openapi import datetime_parameter, number_parameter
from maillage.places import exports, network
from maillage.places.models import (
    FunctionFamily,
    Notice,
    Place,
    PlaceType,
)
from maillage.places.search import (
    FAMILY_SLUGS,
    FUNCTION_SLUGS,
    FilterError,
    list_prefetches,
    parse_bool,
    parse_filter,
    search_places,
)
from maillage.territory.geo import find_communes
from maillage.territory.models import Commune

from . import serializers as s

MAX_DEPARTEMENTS = 20
MAX_COMMUNE_MATCHES = 50  # a name or postal code typed: the best 50 are plenty
GEOJSON_DECIMALS = 5  # ~1 m: plenty for a base map, and a third lighter than the source
_DEPT = re.compile(r"^(?:\d{2,3}|2[AB])$")
_MAX_ID = 2**63 - 1


# --------------------------------------------------------------------------- errors, helpers


def place_filter(request):
    try:
        return parse_filter(request.query_params)
    except FilterError as error:
        raise error from None  # 400, or 404 for an unknown reference (exception_handler)


def departements(request, default=None) -> list[str] | None:
    raw = request.query_params.getlist("dept")
    codes = [c.strip().upper() for item in raw for c in item.split(",") if c.strip()]
    if not codes:
        return default
    bad = [c for c in codes if not _DEPT.match(c)]
    if bad:
        raise BadParameter(
            "dept", f"dept doit être un code de département (48, 2A, 974), pas « {bad[0][:20]} »."
        )
    if len(codes) > MAX_DEPARTEMENTS:
        raise BadParameter("dept", f"au plus {MAX_DEPARTEMENTS} départements à la fois.")
    return list(dict.fromkeys(codes))


def flag(request, name: str) -> bool:
    try:
        return bool(parse_bool(name, request.query_params.get(name)))
    except FilterError as error:
        raise error from None  # 400, or 404 for an unknown reference (exception_handler)


def places_queryset(request):
    """The published places of the asked départements; None (all published places)
    lets search use its in-process index."""
    codes = departements(request)
    if not codes:
        return None
    return Place.objects.published().filter(commune__departement__in=codes)


def url_for(request):
    return exports.url_builder(request.build_absolute_uri("/").rstrip("/"))


def search(request):
    return search_places(place_filter(request), places_queryset(request))


class JSONErrors:
    """Errors are JSON whatever the format asked for (a CSV export's 400 too)."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class PublicAPIView(JSONErrors, APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class Pagination(PageNumberPagination):
    """``page`` and ``page_size`` as the schema says: whole numbers (1 to 500 a page);
    anything else is a 400 naming it, not silently the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param)
        if text is None or text == "":
            return self.page_size
        if not text.isdigit() or not 1 <= int(text) <= self.max_page_size:
            raise BadParameter(
                "page_size", f"page_size : un nombre entier de 1 à {self.max_page_size}."
            )
        return int(text)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters


# --------------------------------------------------------------------------- places

_BOOL = OpenApiTypes.BOOL
PLACE_PARAMETERS = [
    OpenApiParameter(
        "near",
        str,
        description="Point de départ « latitude,longitude » (WGS84), ex. 44.5215,3.4965.",
    ),
    number_parameter(
        "radius_km", 0, 1000, "Rayon en km autour de near (0 < r ≤ 1000).", exclusive_minimum=True
    ),
    OpenApiParameter(
        "function",
        str,
        many=True,
        enum=sorted(FUNCTION_SLUGS),
        explode=True,
        description="Fonction(s) proposée(s) ; répétable ou liste séparée par des virgules "
        "(un lieu qui en propose une au moins).",
    ),
    OpenApiParameter("family", str, enum=sorted(FAMILY_SLUGS), description="Famille de fonctions."),
    OpenApiParameter(
        "type",
        str,
        many=True,
        enum=sorted(PlaceType.values),
        explode=True,
        description="Type(s) de lieu ; répétable ou liste séparée par des virgules.",
    ),
    OpenApiParameter(
        "commune",
        str,
        description="Code INSEE : les lieux de la commune et les unités mobiles qui s'y arrêtent.",
    ),
    datetime_parameter(
        "open_at",
        description="Ouvert à ce moment (ISO 8601 ; sans fuseau : heure de Paris). Avec function : "
        "les horaires propres de la fonction.",
    ),
    OpenApiParameter(
        "open_now",
        _BOOL,
        description="Ouvert maintenant (avec open_at : ouvert maintenant et à ce moment-là).",
    ),
    OpenApiParameter("free", _BOOL, description="Gratuit ou en partie gratuit."),
    OpenApiParameter("accessible", _BOOL, description="Accessible en fauteuil roulant."),
    OpenApiParameter(
        "mobile", _BOOL, description="Unités mobiles seulement (1) ou lieux fixes seulement (0)."
    ),
    OpenApiParameter(
        "q",
        str,
        description="Texte : nom, résumé, porteur, commune, code postal, type ; et les mots "
        "courants des fonctions (imprimante, wifi, visio, CAF, impôts, carte grise...). "
        "Sans accents ni majuscules ni pluriels.",
    ),
    OpenApiParameter("dept", str, description="Code(s) de département, séparés par des virgules."),
]
BAD_REQUEST = error_responses(400)[400]
NOT_FOUND = error_responses(404)[404]


@extend_schema(
    tags=["lieux"],
    summary="Chercher des lieux",
    parameters=PLACE_PARAMETERS,
    responses={200: s.PlaceListSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
)
class PlaceList(JSONErrors, generics.ListAPIView):
    """Les lieux publiés, filtrés ; triés par distance quand `near` est donné (chaque
    résultat a alors sa `distance_km`), sinon par nom."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    serializer_class = s.PlaceListSerializer
    pagination_class = Pagination

    def list(self, request, *args, **kwargs):
        f, queryset = place_filter(request), places_queryset(request)
        result = search_places(f, queryset)
        # Page over (id, distance) pairs, then read only the page's places, from the
        # read model of the network.
        page = self.paginate_queryset(list(zip(result.ids, result.distances, strict=True)))
        data = exports.summaries(
            [pair[0] for pair in page],
            [pair[1] for pair in page],
            now=clock.now(),
            url_for=url_for(request),
        )
        data = [{**item, "matched_by": list(result.matched_by(item["id"]))} for item in data]
        return self.get_paginated_response(data)


def place_detail(place: Place, request) -> dict:
    now = clock.now()
    today = timezone.localdate()
    data = exports.place_summary(place, now=now, url_for=url_for(request))
    rec = network.record_for(place.pk)
    data["functions"] = [
        {
            **exports.function_brief(pf),
            "description": pf.function.description,
            "opening_hours": pf.opening_hours,
            "effective_hours": pf.effective_hours,
            "available_now": exports.open_now_value(
                network.state_at(rec, now, functions=(pf.function.slug,))
            ),
            "audiences": list(pf.audiences),
            "conditions": pf.conditions,
            "fee": pf.fee,
        }
        for pf in place.place_functions.all()
    ]
    data.update(
        description=place.description,
        people=place.people,
        communities=place.communities,
        operator=place.operator,
        hours_note=place.hours_note,
        appointment_only=place.appointment_only,
        accessibility_note=place.accessibility_note,
        fee_note=place.fee_note,
        closures=[
            {"start_date": c.start_date, "end_date": c.end_date, "reason": c.reason}
            for c in place.closures.all()
            if c.end_date >= today
        ],
        notices=[
            {"message": n.message, "starts_on": n.starts_on, "ends_on": n.ends_on}
            for n in place.notices.all()
            if n.starts_on <= today <= n.ends_on
        ],
        stops=[
            {
                "commune": {"code": st.commune.code, "name": st.commune.name},
                "spot": st.spot,
                "latitude": st.latitude,
                "longitude": st.longitude,
                "opening_hours": st.opening_hours,
                "note": st.note,
            }
            for st in place.stops.all()
        ],
        charter_items=[
            {"slug": c.slug, "kind": c.kind, "category": c.category, "name": c.name, "icon": c.icon}
            for c in place.charter_items.all()
        ],
        photos=[
            {"url": request.build_absolute_uri(p.image.url), "alt": p.alt}
            for p in place.photos.all()
        ],
        updated_at=place.updated_at,
    )
    data.pop("distance_km")
    data["distance_km"] = None
    return data


@extend_schema(
    tags=["lieux"],
    summary="Un lieu",
    responses={200: s.PlaceDetailSerializer, 404: NOT_FOUND},
)
class PlaceDetail(PublicAPIView):
    """Tout d'un lieu : ses fonctions avec leurs horaires, publics et conditions
    propres, ses fermetures à venir, ses annonces en cours, les arrêts d'une unité
    mobile, sa charte."""

    serializer_class = s.PlaceDetailSerializer

    def get(self, request, pk: int):
        if pk > _MAX_ID:
            raise NotFound("Lieu introuvable.")
        queryset = (
            Place.objects.published()
            .select_related("commune")
            .prefetch_related(
                *list_prefetches(),
                Prefetch("notices", queryset=Notice.objects.order_by("starts_on")),
                "charter_items",
                "photos",
            )
        )
        place = queryset.filter(pk=pk).first()
        if place is None:
            raise NotFound("Lieu introuvable.")
        return Response(place_detail(place, request))


# --------------------------------------------------------------------------- communes


def commune_data(commune: Commune, with_geometry: bool) -> dict:
    data = {
        "code": commune.code,
        "name": commune.name,
        "departement": commune.departement,
        "population": commune.population,
        "postal_codes": list(commune.postal_codes or []),
        "centroid": (
            {"latitude": commune.centroid_lat, "longitude": commune.centroid_lon}
            if commune.centroid_lat is not None and commune.centroid_lon is not None
            else None
        ),
    }
    if with_geometry:
        data["geometry"] = commune.geometry
    return data


@extend_schema(
    tags=["territoire"],
    summary="Communes",
    parameters=[
        OpenApiParameter(
            "dept", str, description="Code(s) de département, séparés par des virgules."
        ),
        OpenApiParameter(
            "q",
            str,
            description="Nom ou début du nom (accents, tirets et casse indifférents), code postal "
            "(ou début) ou code INSEE ; les meilleures correspondances d'abord, 50 au plus.",
        ),
        OpenApiParameter(
            "geometry", _BOOL, description="Joindre le contour GeoJSON de chaque commune."
        ),
    ],
    responses={200: s.CommuneSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
)
class CommuneList(JSONErrors, generics.ListAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    serializer_class = s.CommuneSerializer
    pagination_class = Pagination

    def list(self, request, *args, **kwargs):
        with_geometry = flag(request, "geometry")
        queryset = Commune.objects.order_by("name", "code")
        if not with_geometry:
            queryset = queryset.defer("geometry")
        codes = departements(request)
        if codes:
            queryset = queryset.in_departements(codes)
        q = (request.query_params.get("q") or "").strip()
        if "\x00" in q or len(q) > 100:
            raise BadParameter(
                "q", "q doit être un nom ou un code postal (100 caractères au plus)."
            )
        if q:
            # The platform's one rule for "which communes does this text mean":
            # accents, hyphens and case ignored, postal codes, best matches first.
            found = find_communes(q, limit=MAX_COMMUNE_MATCHES, departements=codes or None)
            queryset = found
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([commune_data(c, with_geometry) for c in page])


def _round_ring(ring: list) -> list:
    out = []
    for point in ring:
        p = [round(point[0], GEOJSON_DECIMALS), round(point[1], GEOJSON_DECIMALS)]
        if not out or p != out[-1]:
            out.append(p)
    if len(out) < 4:  # too small once rounded: keep every point
        out = [[round(x, GEOJSON_DECIMALS), round(y, GEOJSON_DECIMALS)] for x, y, *_ in ring]
    return out


def light_geometry(geometry: dict | None) -> dict | None:
    """A polygon or multipolygon with coordinates rounded to 5 decimals (~1 m)
    and the points that rounding made repeat removed."""
    if not geometry:
        return None
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_round_ring(r) for r in coordinates]}
    if kind == "MultiPolygon":
        return {
            "type": kind,
            "coordinates": [[_round_ring(r) for r in poly] for poly in coordinates],
        }
    return geometry


def communes_feature_collection(codes: list[str]) -> bytes:
    """The FeatureCollection of the communes of ``codes``, cached until a commune changes."""
    communes = Commune.objects.in_departements(codes)
    state = communes.aggregate(n=Count("code"), latest=Max("updated_at"))
    key = (
        "api:communes.geojson:"
        + hashlib.sha256(
            f"{','.join(sorted(codes))}|{state['n']}|{state['latest']}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        features = [
            {
                "type": "Feature",
                "id": c.code,
                "geometry": light_geometry(c.geometry),
                "properties": {
                    "code": c.code,
                    "name": c.name,
                    "departement": c.departement,
                    "population": c.population,
                },
            }
            for c in communes.order_by("code")
        ]
        body = json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        cache.set(key, body, 24 * 3600)
    return body


class GeoJSONRenderer(BaseRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class CSVRenderer(GeoJSONRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


def cached_response(request, body: bytes, content_type: str, max_age: int = 3600) -> HttpResponse:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@extend_schema(
    tags=["territoire"],
    summary="Contours des communes (GeoJSON)",
    parameters=[
        OpenApiParameter(
            "dept",
            str,
            description="Code(s) de département, séparés par des virgules ; par défaut ceux de l'instance.",
        ),
    ],
    responses={
        (200, "application/geo+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="FeatureCollection (RFC 7946)."
        ),
        (400, "application/json"): BAD_REQUEST,
    },
)
class CommuneGeoJSON(PublicAPIView):
    """Le fond de carte : une FeatureCollection des contours des communes, coordonnées
    arrondies à 5 décimales, mise en cache."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    def get(self, request):
        from django.conf import settings

        codes = departements(request, default=list(settings.MAILLAGE_DEPARTEMENTS))
        body = communes_feature_collection(codes)
        return cached_response(request, body, "application/geo+json")


# --------------------------------------------------------------------------- functions


@extend_schema(
    tags=["lieux"], summary="Familles et fonctions", responses={200: s.FamilySerializer(many=True)}
)
class FunctionList(PublicAPIView):
    """La taxonomie des fonctions, par famille, avec leurs pictogrammes (noms d'icônes Lucide)."""

    def get(self, request):
        families = FunctionFamily.objects.prefetch_related("functions").order_by("position", "slug")
        return Response(
            [
                {
                    "slug": fam.slug,
                    "name": fam.name,
                    "description": fam.description,
                    "color": fam.color,
                    "functions": [
                        {
                            "slug": f.slug,
                            "name": f.name,
                            "description": f.description,
                            "icon": f.icon,
                        }
                        for f in sorted(fam.functions.all(), key=lambda f: (f.position, f.slug))
                    ],
                }
                for fam in families
            ]
        )


# --------------------------------------------------------------------------- open data


EXPORT_ERRORS = {(400, "application/json"): BAD_REQUEST}


def records(description: str) -> OpenApiResponse:
    return OpenApiResponse({"type": "array", "items": {"type": "object"}}, description=description)


@extend_schema(
    tags=["données ouvertes"],
    summary="Lieux en GeoJSON",
    parameters=PLACE_PARAMETERS,
    responses={
        (200, "application/geo+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="FeatureCollection (RFC 7946), fonctions et horaires."
        ),
        **EXPORT_ERRORS,
    },
)
class PlacesGeoJSON(PublicAPIView):
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    def get(self, request):
        body = "".join(exports.iter_geojson(search(request), url_for=url_for(request)))
        return HttpResponse(body.encode(), content_type="application/geo+json")


@extend_schema(
    tags=["données ouvertes"],
    summary="Lieux en CSV",
    parameters=PLACE_PARAMETERS,
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **EXPORT_ERRORS},
)
class PlacesCSV(PublicAPIView):
    renderer_classes = [CSVRenderer, JSONRenderer]

    def get(self, request):
        body = "".join(exports.iter_csv(search(request), url_for=url_for(request)))
        response = HttpResponse(body.encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="lieux.csv"'
        return response


@extend_schema(
    tags=["données ouvertes"],
    summary="data·inclusion v1 : structures",
    parameters=PLACE_PARAMETERS,
    responses={200: records("Structures, schéma data·inclusion v1."), 400: BAD_REQUEST},
)
class DataInclusionStructures(PublicAPIView):
    def get(self, request):
        return Response(exports.data_inclusion_structures(hit.place for hit in search(request)))


@extend_schema(
    tags=["données ouvertes"],
    summary="data·inclusion v1 : services",
    parameters=PLACE_PARAMETERS,
    responses={200: records("Services, schéma data·inclusion v1."), 400: BAD_REQUEST},
)
class DataInclusionServices(PublicAPIView):
    def get(self, request):
        return Response(exports.data_inclusion_services(hit.place for hit in search(request)))


@extend_schema(
    tags=["données ouvertes"],
    summary="Lieux de médiation numérique v1.0.1 (JSON)",
    parameters=PLACE_PARAMETERS,
    responses={200: records("Lieux, standard-mediation-num v1.0.1."), 400: BAD_REQUEST},
)
class Mednum(PublicAPIView):
    def get(self, request):
        rows, _skipped = exports.mednum_lieux(hit.place for hit in search(request))
        return Response(rows)


@extend_schema(
    tags=["données ouvertes"],
    summary="Lieux de médiation numérique v1.0.1 (CSV)",
    parameters=PLACE_PARAMETERS,
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **EXPORT_ERRORS},
)
class MednumCSV(PublicAPIView):
    renderer_classes = [CSVRenderer, JSONRenderer]

    def get(self, request):
        rows, _skipped = exports.mednum_lieux(hit.place for hit in search(request))
        body = "".join(exports.iter_mednum_csv(rows))
        response = HttpResponse(body.encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="lieux-mediation-numerique.csv"'
        return response
