"""tosaudit compare (plans side by side) and tosaudit diff (two versions of one contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tosaudit.catalogue import load_catalogue
from tosaudit.compare import (
    compare,
    diff,
    locate_plan,
    match_clauses,
    render_comparison,
    render_diff,
)

ROOT = Path(__file__).resolve().parent.parent / "samples"
FAMILY = [str(ROOT / "family" / p) for p in ("start", "plus", "pro")]
CAT = load_catalogue()


@pytest.fixture(scope="module")
def comparison():
    return compare(FAMILY, catalogue=CAT)


@pytest.fixture(scope="module")
def vdiff():
    v = ROOT / "versions"
    return diff(v / "agb-2024.txt", v / "agb-2025.txt", profile=v / "profile.yaml", catalogue=CAT)


def test_locate_plan_folder_and_file():
    contract, page, profile = locate_plan(FAMILY[0])
    assert contract.name == "agb.txt" and page is not None and page.name == "product-page.html"
    contract2, page2, _ = locate_plan(str(contract))
    assert contract2 == contract and page2 == page


def test_compare_facts(comparison):
    names = [p.name for p in comparison.plans]
    assert names == ["Wolkenwerk Hosting Start", "Wolkenwerk Hosting Plus", "Wolkenwerk Hosting Pro"]
    start, plus, pro = comparison.plans
    for p in comparison.plans:
        for key, _ in comparison.rows:
            assert key in p.facts
    assert "12 Monate" in start.facts["min_term"].value and "1 Monat (Seite)" in start.facts["min_term"].value
    assert "90 Tage" in start.facts["notice"].value and "14 Tage (Seite)" in start.facts["notice"].value
    assert "§ 6 Abs. 2" in plus.facts["price_change"].value
    assert start.facts["price_change"].value == "keine Regel gefunden"
    assert "§ 3 Abs. 2" in plus.facts["backup"].value  # the advertised backup is disclaimed
    assert plus.facts["price_guarantee"].value == "24 Monate"
    assert "99,5 %" in pro.facts["availability"].value and "99,99 % (Seite)" in pro.facts["availability"].value
    # the Pro contract states two notice periods: both are shown
    assert "30 Tage" in pro.facts["notice"].value and "90 Tage" in pro.facts["notice"].value
    assert int(pro.facts["conflicts"].value) >= 2
    assert pro.counts["high"] == int(pro.facts["high"].value)


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_compare_renders(comparison, fmt):
    out = render_comparison(comparison, fmt)
    assert "Wolkenwerk Hosting Plus" in out
    if fmt == "json":
        data = json.loads(out)
        assert len(data["plans"]) == 3 and data["plans"][0]["facts"]["min_term"]["value"]
    elif fmt == "md":
        assert out.splitlines()[2].startswith("| Tarif |")
    else:
        assert out.startswith("<!doctype html>") and "<table>" in out


def test_diff_matches_expected(vdiff):
    exp = yaml.safe_load((ROOT / "versions" / "expected-diff.yaml").read_text(encoding="utf-8"))
    added = {(c.new.rule_id, c.new.clause, c.new.severity) for c in vdiff.findings if c.status == "added"}
    for item in exp["added"]:
        if item["rule"] not in CAT.by_id:
            continue
        assert (item["rule"], item["clause"], item["severity"]) in added
    removed = [c for c in vdiff.findings if c.status == "removed"]
    assert [c.old.rule_id for c in removed] == exp["removed"]
    for w in exp["worse"]:
        ch = next(c for c in vdiff.findings if c.new and c.new.rule_id == w["rule"] and c.new.clause == w["clause"])
        assert ch.status in ("reworded", "moved", "unchanged")
        assert (ch.old.severity, ch.new.severity) == (w["old"], w["new"])
    changed = {c.ref: c for c in vdiff.clauses if c.status == "changed"}
    for item in exp["clauses"]["changed"]:
        c = changed[item["ref"]]
        assert item["removed"] in (c.removed_words or "") and item["added"] in (c.added_words or "")
    assert set(exp["clauses"]["added"]) == {c.ref for c in vdiff.clauses if c.status == "added"}


def test_diff_summary_names_the_price_change(vdiff):
    text = "\n".join(vdiff.summary)
    assert "Preisänderung" in text and "§ 4 Abs. 3" in text
    assert "§ 3 Abs. 2" in text


def test_diff_identical_versions():
    v = ROOT / "versions" / "agb-2024.txt"
    d = diff(v, v, catalogue=CAT)
    assert all(c.status == "unchanged" for c in d.findings)
    assert d.clauses == [] and d.summary == []


def test_diff_renumbered_clause_is_moved_not_new(tmp_path):
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text("§ 1 Preise\n(1) Der Anbieter ist berechtigt, die Preise jederzeit nach billigem Ermessen anzupassen.\n",
                   encoding="utf-8")
    new.write_text("§ 1 Allgemeines\n(1) Diese Bedingungen gelten für alle Verträge.\n\n"
                   "§ 2 Preise\n(1) Der Anbieter ist berechtigt, die Preise jederzeit nach billigem Ermessen anzupassen.\n",
                   encoding="utf-8")
    d = diff(old, new, catalogue=CAT)
    assert not [c for c in d.findings if c.status in ("added", "removed")]


def test_match_clauses():
    out = match_clauses([("§ 1", "Die Frist beträgt einen Monat."), ("§ 2", "Alt.")],
                        [("§ 1", "Die Frist beträgt drei Monate."), ("§ 3", "Neu.")])
    st = {c.ref: c.status for c in out}
    assert st == {"§ 1": "changed", "§ 3": "added", "§ 2": "removed"}
    c1 = next(c for c in out if c.ref == "§ 1")
    assert "einen Monat" in c1.removed_words and "drei Monate" in c1.added_words


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_diff_renders(vdiff, fmt):
    out = render_diff(vdiff, fmt)
    assert "§ 4 Abs. 3" in out


def test_cli_compare_and_diff(tmp_path, capsys):
    from tosaudit.cli import main

    assert main(["compare", *FAMILY, "-o", str(tmp_path / "c.html")]) == 0
    assert (tmp_path / "c.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    v = ROOT / "versions"
    rc = main(["diff", str(v / "agb-2024.txt"), str(v / "agb-2025.txt"), "--profile", str(v / "profile.yaml"),
               "--fail-on-new", "high"])
    assert rc == 1
    assert "§ 4 Abs. 3" in capsys.readouterr().out
