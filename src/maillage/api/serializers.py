"""The shapes of the API's answers.

The list of places is built by :func:`maillage.places.exports.place_summary` (a
plain dict: fast enough for the speed goal); the serializers below declare the
same shapes for the OpenAPI schema, and ``tests/api`` checks that the keys
agree.
"""

from __future__ import annotations

from rest_framework import serializers

from maillage.places.models import Fee, PlaceType, Wheelchair


class CommuneBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FunctionBriefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    family = serializers.CharField(help_text="Slug de la famille.")
    icon = serializers.CharField(help_text="Nom d'icône Lucide.")


class NetworkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PlaceListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=PlaceType.choices)
    summary = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    postal_code = serializers.CharField(allow_blank=True)
    commune = CommuneBriefSerializer(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    is_mobile = serializers.BooleanField()
    functions = FunctionBriefSerializer(many=True)
    opening_hours = serializers.CharField(
        allow_blank=True, help_text="Syntaxe OpenStreetMap opening_hours."
    )
    open_now = serializers.BooleanField(
        allow_null=True, help_text="Ouvert maintenant ; null quand les horaires sont inconnus."
    )
    wheelchair = serializers.ChoiceField(choices=Wheelchair.choices, allow_blank=True)
    fee = serializers.ChoiceField(choices=Fee.choices, allow_blank=True)
    networks = NetworkSerializer(many=True)
    website = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="La page web du lieu.")
    last_checked_at = serializers.DateTimeField(allow_null=True)
    is_example = serializers.BooleanField(help_text="Données inventées pour la démonstration.")
    distance_km = serializers.FloatField(
        allow_null=True, help_text="Distance à vol d'oiseau depuis near (null sans near)."
    )
    matched_by = serializers.ListField(
        child=serializers.CharField(),
        help_text="Avec q : pourquoi le lieu a été trouvé par un mot courant, "
        "par exemple « imprimante → Accès numérique » (vide sinon).",
    )


class PlaceFunctionSerializer(FunctionBriefSerializer):
    description = serializers.CharField(allow_blank=True)
    opening_hours = serializers.CharField(
        allow_blank=True, help_text="Horaires propres ; vide : ceux du lieu."
    )
    effective_hours = serializers.CharField(allow_blank=True)
    available_now = serializers.BooleanField(
        allow_null=True, help_text="Disponible maintenant ; null quand les horaires sont inconnus."
    )
    audiences = serializers.ListField(child=serializers.CharField())
    conditions = serializers.CharField(allow_blank=True)
    fee = serializers.CharField(allow_blank=True)


class ClosureSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class NoticeSerializer(serializers.Serializer):
    message = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class StopSerializer(serializers.Serializer):
    commune = CommuneBriefSerializer()
    spot = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    opening_hours = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class CharterItemSerializer(serializers.Serializer):
    slug = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    icon = serializers.CharField()


class PhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    alt = serializers.CharField()


class PlaceDetailSerializer(PlaceListSerializer):
    matched_by = None  # a search's answer, not the place's
    functions = PlaceFunctionSerializer(many=True)
    description = serializers.CharField(allow_blank=True)
    people = serializers.CharField(allow_blank=True)
    communities = serializers.CharField(allow_blank=True)
    operator = serializers.CharField(allow_blank=True)
    hours_note = serializers.CharField(allow_blank=True)
    appointment_only = serializers.BooleanField()
    accessibility_note = serializers.CharField(allow_blank=True)
    fee_note = serializers.CharField(allow_blank=True)
    closures = ClosureSerializer(many=True, help_text="Fermetures à venir ou en cours.")
    notices = NoticeSerializer(many=True, help_text="Annonces en cours.")
    stops = StopSerializer(many=True, help_text="Arrêts d'une unité mobile.")
    charter_items = CharterItemSerializer(many=True)
    photos = PhotoSerializer(many=True)
    updated_at = serializers.DateTimeField()


class CentroidSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class CommuneSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    departement = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    postal_codes = serializers.ListField(child=serializers.CharField())
    centroid = CentroidSerializer(allow_null=True)
    geometry = serializers.JSONField(
        required=False, allow_null=True, help_text="Contour GeoJSON, avec ?geometry=1 seulement."
    )


class FunctionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    icon = serializers.CharField()


class FamilySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    color = serializers.CharField()
    functions = FunctionSerializer(many=True)
