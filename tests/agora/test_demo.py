"""``maillage load-demo-agora``: example ideas at the demo places, idempotent, marked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from maillage.agora.models import Idea, Status
from maillage.core.clock import PARIS
from maillage.events import services as events
from maillage.places.models import Place
from maillage.places.taxonomy import sync_taxonomy

from .conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_ideas_are_examples_and_loading_twice_changes_nothing(atelier, mende, capsys):
    sync_taxonomy()
    Place.objects.create(name="Polen", slug="polen", type="fablab", commune=mende)
    make_user("hote", display_name="Murielle")
    start = dt.datetime(2026, 12, 3, 18, 30, tzinfo=PARIS)
    events.create_event(
        place=atelier, title="Apéro", start=start, end=start + dt.timedelta(hours=2)
    )
    call_command("load_demo_agora")
    ideas = list(Idea.objects.order_by("pk").values_list("pk", "title", "status", "on_paper"))
    assert "idée(s) d'exemple" in capsys.readouterr().out
    call_command("load_demo_agora")
    assert (
        list(Idea.objects.order_by("pk").values_list("pk", "title", "status", "on_paper")) == ideas
    )
    assert Idea.objects.filter(is_example=False).count() == 0
    assert all("(Idée d'exemple.)" in text for text in Idea.objects.values_list("text", flat=True))
    repair = Idea.objects.get(title="Un repair café un samedi par mois")
    assert repair.status == Status.DISCUSSED and repair.occurrence.event.title == "Apéro"
    assert repair.signature == "Murielle"
    # No place « nouvelle-dimension » here: its idea is skipped, not invented elsewhere.
    assert not Idea.objects.filter(title="Une boutique paysanne au café").exists()
    bus = Idea.objects.get(title="Rapprocher l'arrêt de bus de la France Services")
    assert bus.commune == mende and not bus.on_paper
    bench = Idea.objects.get(title="Un banc devant le café")
    assert bench.on_paper and bench.paper_label == "déposée sur papier à L'Atelier"
    assert repair.steps.count() == 2
