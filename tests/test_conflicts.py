"""Clause against clause: conflicts inside one contract (rules/conflicts.yaml, tosaudit/conflicts.py)."""

from __future__ import annotations

import pytest

from tosaudit.api import audit_text
from tosaudit.catalogue import load_catalogue
from tosaudit.catalogue.schema import ConflictTable
from tosaudit.conflicts import conflict_cases, duration_days, lint_conflicts, run_conflict_example

CAT = load_catalogue()


def conflicts(text: str, rule: str | None = None, **kw):
    r = audit_text(text, catalogue=CAT, lang=kw.pop("lang", "de"), **kw)
    return [f for f in r.findings if f.kind == "conflict" and (rule is None or f.rule_id == rule)]


def test_catalogue_has_conflicts():
    ids = {c.id for c in CAT.conflicts}
    assert {"notice-period-conflict", "withdrawal-period-conflict", "suspension-notice-conflict",
            "availability-stated-vs-disclaimed", "no-fees-vs-fee-clause"} <= ids


def test_conflict_definitions_are_clean():
    problems = lint_conflicts(CAT)
    # a conflict may name a rule another author has not written yet; all others must be clean
    assert [p for p in problems if "unknown rule id" not in p] == []


@pytest.mark.parametrize("n,unit,days", [("drei", "Monate", 90), ("14", "Tage", 14), ("einen", "Monat", 30),
                                         ("4", "Wochen", 28), ("thirty", "days", 30), ("1", "year", 365)])
def test_duration_days(n, unit, days):
    assert duration_days(n, unit) == pytest.approx(days)


NOTICE = """§ 3 Laufzeit
(1) Der Vertrag läuft auf unbestimmte Zeit.
(2) Der Kunde kann mit einer Frist von einem Monat zum Monatsende kündigen.

§ 9 Schlussbestimmungen
(1) Die Kündigungsfrist beträgt drei Monate zum Quartalsende.
"""


def test_two_notice_periods():
    fs = conflicts(NOTICE, "notice-period-conflict")
    assert len(fs) == 1
    f = fs[0]
    assert f.severity == "high"
    assert f.clause.ref == "§ 3 Abs. 2" and f.other_clause is not None and f.other_clause.ref == "§ 9 Abs. 1"
    assert "einem Monat" in f.quote and "drei Monate" in (f.other_quote or "")
    assert {r.id for r in f.legal_basis} >= {"BGB-305c-2", "BGB-307-1-2"}
    assert f.captures["first_days"] == 30 and f.captures["second_days"] == 90
    assert "§ 3 Abs. 2" in f.message and "§ 9 Abs. 1" in f.message


def test_same_notice_period_twice_is_no_conflict():
    text = NOTICE.replace("drei Monate zum Quartalsende", "einen Monat zum Monatsende")
    assert conflicts(text, "notice-period-conflict") == []


def test_same_period_in_other_words_is_no_conflict():
    text = NOTICE.replace("drei Monate zum Quartalsende", "30 Tage zum Monatsende")
    assert conflicts(text, "notice-period-conflict") == []


def test_provider_notice_is_not_the_customers():
    text = NOTICE.replace("Die Kündigungsfrist beträgt drei Monate zum Quartalsende.",
                          "Der Anbieter kann den Vertrag mit einer Frist von drei Monaten kündigen.")
    assert conflicts(text, "notice-period-conflict") == []


def test_two_withdrawal_periods():
    text = "§ 5 Widerruf\n(1) Die Widerrufsfrist beträgt vierzehn Tage.\n(2) Sie können den Vertrag binnen 30 Tagen widerrufen.\n"
    fs = conflicts(text, "withdrawal-period-conflict")
    assert len(fs) == 1 and fs[0].clause.ref == "§ 5 Abs. 1" and fs[0].other_clause.ref == "§ 5 Abs. 2"


def test_no_fees_vs_fee():
    text = ("§ 4 Entgelte\n(1) Es werden keine weiteren Gebühren erhoben.\n"
            "(2) Für jede Rücklastschrift berechnen wir eine Bearbeitungspauschale von 15,00 EUR.\n")
    fs = conflicts(text, "no-fees-vs-fee-clause")
    assert len(fs) == 1 and fs[0].severity == "warning"
    assert fs[0].other_quote and "15,00 EUR" in fs[0].other_quote


def test_availability_stated_vs_disclaimed():
    if "availability-disclaimer" not in CAT.by_id:
        pytest.skip("availability-disclaimer not in the catalogue")
    text = ("§ 2 Verfügbarkeit\n(1) Der Anbieter gewährleistet eine Verfügbarkeit von 99,5 % im Jahresmittel.\n"
            "(2) Darüber hinaus übernimmt der Anbieter keine Gewähr für die ständige Verfügbarkeit der Server.\n")
    fs = conflicts(text, "availability-stated-vs-disclaimed")
    assert len(fs) == 1 and fs[0].clause.ref == "§ 2 Abs. 1" and fs[0].other_clause.ref == "§ 2 Abs. 2"


def test_suspension_warning_vs_without_notice():
    if "suspend-without-notice" not in CAT.by_id:
        pytest.skip("suspend-without-notice not in the catalogue")
    text = ("§ 3 Sperrung\n(1) Vor einer Sperrung wird der Anbieter den Kunden in Textform mahnen und ihm eine Frist "
            "von zwei Wochen zur Abhilfe setzen.\n(2) Bei einem Verstoß kann der Anbieter den Zugang sofort und ohne "
            "vorherige Ankündigung sperren.\n")
    fs = conflicts(text, "suspension-notice-conflict")
    assert len(fs) == 1
    assert fs[0].clause.ref == "§ 3 Abs. 1" and fs[0].other_clause.ref == "§ 3 Abs. 2"


def test_english_notice_conflict():
    text = ("1. Term\n1.1 You may cancel on 30 days' notice before the end of any month.\n"
            "9. Miscellaneous\n9.1 Notice of cancellation must be given with three months notice to the end of a quarter.\n")
    fs = conflicts(text, "notice-period-conflict", lang="en")
    assert len(fs) == 1 and fs[0].severity == "high"


def test_same_clause_is_not_a_conflict():
    text = "§ 3 Kündigung\nDer Kunde kann mit einer Frist von einem Monat kündigen, ab dem zweiten Jahr mit einer Frist von drei Monaten.\n"
    assert conflicts(text, "notice-period-conflict") == []


def test_conflict_fingerprint_is_stable_across_renumbering():
    a = conflicts(NOTICE, "notice-period-conflict")[0]
    b = conflicts(NOTICE.replace("§ 9", "§ 12").replace("§ 3", "§ 4"), "notice-period-conflict")[0]
    assert a.fingerprint == b.fingerprint


def test_schema_rejects_bad_definition():
    with pytest.raises(Exception):
        ConflictTable.model_validate({"conflicts": [{"id": "x", "first": [], "second": ["a"]}]})


def test_select_without_helper_rules_gives_no_conflict():
    r = audit_text(NOTICE, catalogue=CAT, lang="de", select=["cancel-form-strict"])
    assert not [f for f in r.findings if f.kind == "conflict"]


@pytest.mark.parametrize("case", list(conflict_cases(CAT)), ids=lambda c: f"{c[0].id}:{c[1]}:{c[2]}[{c[3]}]")
def test_conflict_examples(case):
    """Every conflict definition's own examples (fail: must conflict; pass: must not)."""
    d, lang, kind, _, ex = case
    ok, why = run_conflict_example(d, lang, kind, ex.text, CAT)
    assert ok, f"{why}\n{ex.text}"


def test_every_conflict_has_examples():
    for d in CAT.conflicts:
        assert any(ex.fail and ex.pass_ for ex in d.examples.values()), d.id
