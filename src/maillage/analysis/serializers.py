"""The shapes of the analysis API's answers, for the OpenAPI schema.

The views build plain dicts (from :mod:`maillage.analysis.services`); these
serializers declare the same shapes, and ``tests/analysis`` checks that the keys
agree.
"""

from __future__ import annotations

from rest_framework import serializers


class QuerySerializer(serializers.Serializer):
    departements = serializers.ListField(child=serializers.CharField(), allow_null=True)
    functions = serializers.ListField(child=serializers.CharField(), allow_null=True)
    function_label = serializers.CharField()
    types = serializers.ListField(child=serializers.CharField())
    date = serializers.DateField(allow_null=True)
    travel = serializers.CharField(help_text="straight, mountain, rural, periurban, urban")
    unit = serializers.ChoiceField(choices=["km", "min"])
    thresholds = serializers.ListField(child=serializers.FloatField())
    target = serializers.FloatField(help_text="Au-delà, une commune est mal desservie.")


class CommuneRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FacilitySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Slug du lieu ; un arrêt : slug@code_commune.")
    name = serializers.CharField()
    place = serializers.CharField(help_text="Slug du lieu (d'une unité mobile pour un arrêt).")
    type = serializers.CharField()
    mobile_stop = serializers.BooleanField()
    commune = CommuneRefSerializer()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class ThresholdFigureSerializer(serializers.Serializer):
    threshold = serializers.FloatField()
    population = serializers.FloatField()
    population_share = serializers.FloatField()
    communes = serializers.IntegerField()
    commune_share = serializers.FloatField()


class CoverageSummarySerializer(serializers.Serializer):
    population = serializers.FloatField()
    communes = serializers.IntegerField()
    places = serializers.IntegerField(help_text="Lieux (et arrêts) qui comptent.")
    places_read = serializers.IntegerField(help_text="Lieux lus, fermés ce jour-là compris.")
    closed = serializers.DictField(
        child=serializers.CharField(), help_text="Lieux fermés à la date demandée : pourquoi."
    )
    unknown_hours = serializers.ListField(child=serializers.CharField())
    invalid_hours = serializers.ListField(child=serializers.CharField())
    if_unknown_open = serializers.FloatField(
        allow_null=True,
        help_text="À une date, avec des lieux aux horaires non renseignés (qui ne comptent "
        "pas) : la population à moins du seuil cible s'ils étaient ouverts ; sinon null.",
    )
    communes_without_population = serializers.ListField(child=serializers.CharField())
    communes_without_centroid = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField()
    target = serializers.FloatField()
    thresholds = ThresholdFigureSerializer(many=True)
    underserved = serializers.IntegerField()
    underserved_population = serializers.FloatField()


class CommuneCoverageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    departement = serializers.CharField()
    population = serializers.IntegerField()
    nearest_id = serializers.CharField(allow_null=True)
    nearest_name = serializers.CharField(allow_null=True)
    cost = serializers.FloatField(allow_null=True, help_text="km ou minutes ; null : aucun lieu.")
    within = serializers.DictField(
        child=serializers.IntegerField(), help_text="Seuil -> nombre de lieux à portée."
    )
    covered = serializers.BooleanField(help_text="À portée du seuil cible.")


class CatchmentSerializer(FacilitySerializer):
    function = serializers.CharField(help_text="La fonction dont c'est le bassin.")
    function_label = serializers.CharField()
    population = serializers.FloatField(
        help_text="Habitants dont c'est le lieu le plus proche parmi ceux qui proposent cette "
        "fonction ; une commune à égale distance de plusieurs lieux est partagée à parts égales."
    )
    population_within_target = serializers.FloatField()
    communes = serializers.IntegerField(help_text="Communes dont c'est (l'un) des plus proches.")
    shared_communes = serializers.IntegerField(
        help_text="Dont les communes partagées avec un lieu à la même distance."
    )


class UnderservedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()
    cost = serializers.FloatField(allow_null=True)
    nearest = FacilitySerializer(allow_null=True)


class CoverageResponseSerializer(serializers.Serializer):
    query = QuerySerializer()
    summary = CoverageSummarySerializer()
    communes = CommuneCoverageSerializer(many=True)
    catchments = CatchmentSerializer(many=True)
    underserved = UnderservedSerializer(many=True)


class ChosenSiteSerializer(FacilitySerializer):
    rank = serializers.IntegerField()
    gain = serializers.FloatField(help_text="Habitants nouvellement à portée grâce à ce site.")


class RecommendationResponseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["recommend", "set-cover"])
    query = QuerySerializer()
    threshold = serializers.FloatField()
    unit = serializers.CharField()
    candidates = serializers.CharField()
    from_scratch = serializers.BooleanField()
    chosen = ChosenSiteSerializer(many=True)
    population = serializers.FloatField()
    covered_before = serializers.FloatField()
    covered_after = serializers.FloatField()
    share_before = serializers.FloatField()
    share_after = serializers.FloatField()
    upper_bound = serializers.FloatField(
        allow_null=True, help_text="Borne supérieure prouvée de la population à portée."
    )
    gap = serializers.FloatField(allow_null=True, help_text="(borne - valeur) / borne.")
    proven_optimal = serializers.BooleanField()
    method = serializers.CharField()
    seconds = serializers.FloatField()
    time_limit_hit = serializers.BooleanField(
        help_text="La limite de temps (filet de sécurité) a arrêté la recherche : seul ce cas "
        "peut donner une réponse qui dépend de la machine ; sinon la même question donne "
        "toujours la même réponse."
    )
    k = serializers.IntegerField(required=False)
    target_share = serializers.FloatField(required=False)
    lower_bound = serializers.IntegerField(required=False)
    feasible = serializers.BooleanField(required=False)
