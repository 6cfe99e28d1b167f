"""The Wolkenwerk sample family: each plan's AGB checked against its own product page (and with the
plan's sector from expected.yaml) finds every high-severity finding listed in its expected.yaml, and
nothing else at severity high."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tosaudit.api import audit_source
from tosaudit.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent / "samples" / "family"
PLANS = sorted(p.name for p in ROOT.iterdir() if (p / "expected.yaml").is_file())
CAT = load_catalogue()


def _key(item: dict) -> tuple:
    return (item["rule"], item["kind"], item["clause"], item.get("other_clause"))


@pytest.fixture(scope="module", params=PLANS)
def plan(request):
    d = ROOT / request.param
    exp = yaml.safe_load((d / "expected.yaml").read_text(encoding="utf-8"))
    report = audit_source(d / exp.get("contract", "agb.txt"), catalogue=CAT,
                          product_page=d / exp.get("product_page", "product-page.html"), sector=exp.get("sector"))
    return request.param, exp, report


def test_at_least_three_plans():
    assert len(PLANS) >= 3


def test_high_findings_equal_expected(plan):
    name, exp, report = plan
    got = {(f.rule_id, f.kind, f.clause.ref, f.other_clause.ref if f.other_clause else None)
           for f in report.findings if f.severity == "high"}
    want = {_key(i) for i in exp["high"]}
    missing = want - got
    extra = got - want
    assert not missing, f"{name}: expected but not found: {sorted(missing)}"
    assert not extra, f"{name}: high findings not in expected.yaml: {sorted(extra)}"


def test_known_misses_are_still_missing(plan):
    """Strict: a known miss that starts to be found must move into `high`."""
    name, exp, report = plan
    got = {(f.rule_id, f.kind, f.clause.ref, f.other_clause.ref if f.other_clause else None)
           for f in report.findings if f.severity == "high"}
    for item in exp.get("known_misses") or []:
        assert _key(item) not in got, f"{name}: {item} is found now - move it from known_misses to high"


def test_every_plan_shows_contradictions(plan):
    name, exp, report = plan
    kinds = {i["kind"] for i in exp["high"]}
    assert "contradiction" in kinds, name


def test_contradictions_carry_page_evidence(plan):
    name, exp, report = plan
    for f in report.findings:
        if f.kind == "contradiction":
            assert f.features, f.rule_id
            assert any(fe.origin == "product-page" and fe.source for fe in f.features), f.rule_id


def test_conflicts_quote_both_clauses(plan):
    for f in plan[2].findings:
        if f.kind == "conflict":
            assert f.other_clause is not None and f.other_quote
            assert f.clause.index != f.other_clause.index


def test_plans_differ():
    """The plans are written to differ: each shows contradictions the others do not."""
    sets = {}
    for p in PLANS:
        exp = yaml.safe_load((ROOT / p / "expected.yaml").read_text(encoding="utf-8"))
        sets[p] = {i["rule"] for i in exp["high"] if i["kind"] in ("contradiction", "conflict")}
    for p in ("start", "plus", "pro"):  # the three hosting plans each show contradictions of their own
        others = set().union(*(v for k, v in sets.items() if k != p and k in ("start", "plus", "pro")))
        assert sets[p] - others, f"{p} shows no contradiction of its own"
    assert len({frozenset(s) for s in sets.values()}) == len(sets)


def test_without_product_page_no_contradictions():
    d = ROOT / "start"
    report = audit_source(d / "agb.txt", catalogue=CAT)
    assert not [f for f in report.findings if f.kind == "contradiction"]


def test_profile_overrides_page_key_by_key(tmp_path):
    d = ROOT / "start"
    prof = tmp_path / "profile.yaml"
    prof.write_text("features:\n  term.min_months: 12\n", encoding="utf-8")
    report = audit_source(d / "agb.txt", catalogue=CAT, profile=prof, product_page=d / "product-page.html")
    ids = {f.rule_id for f in report.findings if f.kind == "contradiction"}
    assert "min-term-vs-monthly" not in ids          # overridden by the profile
    assert "cancel-button-vs-written-only" in ids    # still from the page
    assert report.profile.features["term.min_months"].origin == "profile"
    assert report.profile.features["cancel.button"].origin == "product-page"


def test_cli_check_with_product_page(capsys):
    from tosaudit.cli import main

    d = ROOT / "plus"
    rc = main(["check", str(d / "agb.txt"), "--product-page", str(d / "product-page.html"), "-f", "json"])
    assert rc == 1
    out = capsys.readouterr().out
    assert "price-guarantee-breached" in out


# LEGAL-FACTS section D: every feature that a clause can contradict has a contradiction rule
SECTION_D = ["backup.included", "export.available", "restore.self_service", "sla.uptime_pct", "sla.credits",
             "maintenance.announced", "support.hours", "suspension.prior_notice", "traffic.unlimited",
             "storage.unlimited", "price.guarantee_months", "term.min_months", "term.renewal", "term.notice_days",
             "cancel.button", "email.included", "data.location", "status.page", "domain.included",
             "backup.retention_days", "traffic.limit_gb"]


@pytest.mark.parametrize("key", SECTION_D)
def test_section_d_feature_has_a_contradiction_rule(key):
    assert key in CAT.features
    users = [r.id for r in CAT.rules if r.contradicts is not None and key in r.contradicts.when.features()]
    assert users, f"no contradiction rule uses {key}"


PDF_PLANS = [p for p in PLANS if (ROOT / p / "agb.pdf").is_file()]


@pytest.mark.parametrize("name", PDF_PLANS)
def test_pdf_version_gives_the_same_high_findings(name):
    """The same contract as a PDF (samples/family/tools/make_pdf.py) must give the same high findings."""
    d = ROOT / name
    exp = yaml.safe_load((d / "expected.yaml").read_text(encoding="utf-8"))
    report = audit_source(d / "agb.pdf", catalogue=CAT, product_page=d / "product-page.html", sector=exp.get("sector"))
    got = {(f.rule_id, f.kind, f.clause.ref, f.other_clause.ref if f.other_clause else None)
           for f in report.findings if f.severity == "high"}
    assert got == {_key(i) for i in exp["high"]}
