"""docs/RULES.md and docs/FEATURES.md are generated from the catalogue; fail when stale."""

from __future__ import annotations

from pathlib import Path

from tosaudit.catalogue import load_catalogue
from tosaudit.catalogue.docs import render_features_md, render_rules_md

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_rules_md_is_current():
    assert (DOCS / "RULES.md").read_text(encoding="utf-8") == render_rules_md(load_catalogue()), \
        "docs/RULES.md is stale: run `tosaudit docs`"


def test_features_md_is_current():
    assert (DOCS / "FEATURES.md").read_text(encoding="utf-8") == render_features_md(load_catalogue()), \
        "docs/FEATURES.md is stale: run `tosaudit docs`"


def test_every_rule_is_documented():
    text = (DOCS / "RULES.md").read_text(encoding="utf-8")
    for r in load_catalogue().rules:
        assert f"### {r.id}" in text
