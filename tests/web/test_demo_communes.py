"""The test demo's communes are real ones: code, name and postal code as the official
Code officiel géographique says (a wrong code would land on another village once the
real communes are imported: 48137 is Saint-Bauzile, not Saint-Alban-sur-Limagnole)."""

from __future__ import annotations

import json

from .demo import COMMUNES


def test_every_demo_commune_has_its_official_code_name_and_postal_code(open_data_dir):
    cog = {
        c["code"]: c
        for c in json.loads((open_data_dir / "communes-population-cog.json").read_text())
        if c["type"] == "commune-actuelle"
    }
    for code, name, postal, _lat, _lon, _population in COMMUNES:
        assert cog[code]["nom"] == name, code
        assert postal in cog[code]["codesPostaux"], code
