"""Amounts with units (tosaudit/units.py) and contradiction conditions that compare them."""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import edit_yaml, make_scratch
from tosaudit.api import audit_text
from tosaudit.catalogue import CatalogueError, load_catalogue
from tosaudit.catalogue.examples import Case, run_case
from tosaudit.catalogue.lint import lint
from tosaudit.catalogue.schema import Example, FeatureCond
from tosaudit.conflicts import duration_days
from tosaudit.features import build_profile, describe, evaluate
from tosaudit.units import TARGET_UNITS, convert, month_span_days, unit_name, unit_of

CAT = load_catalogue()
VOCAB = CAT.features


def prof(**feats):
    return build_profile({"features": {k.replace("__", "."): v for k, v in feats.items()}}, VOCAB)


# ---------------------------------------------------------------------------- the normaliser


@pytest.mark.parametrize("n,unit,target,value,low,high", [
    ("14", "Tage", "days", 14, 14, 14),
    ("vierzehn", "Kalendertagen", "days", 14, 14, 14),
    ("6", "Wochen", "days", 42, 42, 42),
    ("sechs", "weeks", "days", 42, 42, 42),
    ("vier", "Wochen", "days", 28, 28, 28),
    ("einem", "Monat", "days", 30, 28, 31),
    ("one", "month", "days", 30, 28, 31),
    ("drei", "Monaten", "days", 90, 89, 92),
    ("1", "Quartal", "days", 90, 89, 92),
    ("6", "Monate", "days", 180, 180, 184),  # the range holds the nominal 180
    ("zwölf", "Monate", "days", 365, 365, 366),
    ("1", "Jahr", "days", 365, 365, 366),
    ("2", "years", "days", 730, 730, 731),
    ("2", "Jahre", "months", 24, 24, 24),
    ("zwölf", "Monaten", "years", 1, 1, 1),
    ("24", "Monate", "months", 24, 24, 24),
    ("10", "Werktage", "days", 14, 10, 18),
    ("10", "business days", "days", 14, 10, 18),
    ("48", "Stunden", "days", 2, 2, 2),
    ("1,5", "Monate", "days", 45, 43.5, 46.5),
    ("1", "TB", "GB", 1000, 1000, 1024),
    ("1,5", "TB", "GB", 1500, 1500, 1536),
    ("500", "MB", "GB", 0.5, 500 / 1024, 0.5),
    ("1.000", "GB", "GB", 1000, 1000, 1000),
    ("1", "GiB", "GB", 1.073741824, 1.073741824, 1.073741824),
    ("2", "Terabyte", "TB", 2, 2, 2),
    ("1", "Gbit/s", "Mbit/s", 1000, 1000, 1000),
    ("250", "Mbps", "Mbit/s", 250, 250, 250),
])
def test_convert(n, unit, target, value, low, high):
    a = convert(n, unit, target)
    assert a is not None and a.unit == target
    assert (a.value, a.low, a.high) == pytest.approx((value, low, high))


def test_days_to_months_by_the_calendar():
    a = convert("60", "Tage", "months")
    assert a is not None and a.value == pytest.approx(2) and a.low < 2 < a.high
    b = convert("365", "days", "months")
    assert b is not None and b.low <= 12 <= b.high
    # 31 days are certainly more than one month only if no month has 31 days: they are not
    c = convert("31", "Tage", "months")
    assert c is not None and c.low <= 1


@pytest.mark.parametrize("n,unit,target", [
    ("3", None, "days"),            # no unit captured
    ("3", "", "days"),
    ("3", "Parsecs", "days"),       # unknown unit word
    ("3", "Fortnights", "days"),
    ("3", "Tage", "GB"),            # a duration is no data volume
    ("3", "GB", "days"),
    ("3", "Mbit/s", "GB"),          # a rate is no volume ("mbit" is not "mb")
    ("viele", "Tage", "days"),      # a number that cannot be read
    ("", "Tage", "days"),
    (None, "Tage", "days"),
    (True, "Tage", "days"),
    ("3", "Tage", "furlongs"),      # an unknown target
])
def test_what_cannot_be_read_gives_none(n, unit, target):
    assert convert(n, unit, target) is None


def test_unit_words():
    assert unit_of("Monaten").key == "month" and unit_of("Kalendermonat").key == "month"
    assert unit_of("Werktagen").key == "working-day" and unit_of("Kalendertage").key == "day"
    assert unit_of("business  days").key == "business-day" and unit_of("calendar-days").key == "day"
    assert unit_of("Vertragsjahr").key == "year" and unit_of("mon.").key == "month"
    assert unit_of("Mbit/s").dimension == "rate" and unit_of("MB").dimension == "data"
    assert unit_of("Monday") is None and unit_of("Tageszeitung").key == "day"  # words start with the unit
    assert unit_of(None) is None and unit_of("") is None


@pytest.mark.parametrize("word,n,lang,shown", [
    ("Monaten", 3, "de", "Monate"), ("Monaten", 1, "de", "Monat"), ("Monat", 3.0, "en", "months"),
    ("months", 1, "de", "Monat"), ("Werktagen", 10, "en", "working days"), ("business days", 5, "de", "Arbeitstage"),
    ("Wochen", "sechs", "de", "Wochen"), ("TB", 1, "de", "TB"), ("Parsecs", 3, "de", None),
])
def test_unit_name_in_the_report_language(word, n, lang, shown):
    assert unit_name(word, n, lang) == shown


def _calendar_months(start: date, months: int) -> int:
    """Days from the 1st of a month to the 1st of the month ``months`` later."""
    y, m = divmod(start.month - 1 + months, 12)
    return (date(start.year + y, m + 1, 1) - start).days


@pytest.mark.parametrize("months", [1, 2, 3, 5, 6, 11, 12, 13, 18, 24, 36, 48, 60])
def test_month_span_holds_every_calendar_span(months):
    spans = [_calendar_months(date(y, m, 1), months) for y in range(1990, 2040) for m in range(1, 13)]
    low, high = month_span_days(months)
    assert low <= min(spans) and max(spans) <= high
    assert min(spans) - low <= 1 and high - max(spans) <= 1  # tight to a day
    assert calendar.isleap(2024)  # the range above crosses leap years


def test_conflicts_use_the_same_normaliser():
    # the nominal value: a month 30 days, a whole year 365 days
    assert duration_days("drei", "Monate") == 90 and duration_days("1", "Jahr") == 365
    assert duration_days("zwölf", "Monate") == duration_days("ein", "Jahr") == 365
    assert duration_days("14", "calendar days") == 14
    assert duration_days("3", "Parsecs") is None and duration_days("3", None) is None


NOTICE_12_VS_YEAR = """§ 3 Laufzeit
(1) Der Kunde kann mit einer Frist von zwölf Monaten zum Vertragsende kündigen.

§ 9 Schlussbestimmungen
(1) Die Kündigungsfrist beträgt 365 Tage zum Vertragsende.
"""


def test_twelve_months_and_365_days_are_the_same_notice_period():
    """Nominally a whole year is 365 days (a month alone 30): no conflict between the two clauses."""
    r = audit_text(NOTICE_12_VS_YEAR, catalogue=CAT, lang="de")
    assert len([f for f in r.findings if f.rule_id == "notice-period-vs-promise"]) == 2
    assert not [f for f in r.findings if f.rule_id == "notice-period-conflict"]
    r = audit_text(NOTICE_12_VS_YEAR.replace("365 Tage", "400 Tage"), catalogue=CAT, lang="de")
    assert [f for f in r.findings if f.rule_id == "notice-period-conflict"]


# ---------------------------------------------------------------------------- conditions


def cond(op: str, **ref) -> FeatureCond:
    return FeatureCond.model_validate({"feature": "term.notice_days", op: {"capture": "n", **ref}})


DAYS = {"unit": "unit", "as": "days"}


@pytest.mark.parametrize("op,promise,n,unit,verdict", [
    ("less_than", 14, "6", "Wochen", True),        # six weeks' notice against 14 days promised
    ("less_than", 30, "vier", "Wochen", False),    # 28 days: shorter than promised
    ("less_than", 30, "einen", "Monat", False),    # a month is 28-31 days: not certainly longer
    ("less_than", 28, "einen", "Monat", False),    # ... nor when 28 days are promised (February)
    ("less_than", 27, "einen", "Monat", True),     # but certainly longer than 27
    ("less_than", 90, "drei", "Monate", False),    # 89-92 days include 90
    ("less_than", 88, "drei", "Monate", True),
    ("less_than", 42, "6", "Wochen", False),       # equal is no contradiction
    ("greater_than", 30, "einen", "Monat", False), # retention: a month is not certainly shorter than 30 days
    ("greater_than", 32, "einen", "Monat", True),
    ("greater_than", 31, "einen", "Monat", False),
    ("at_least", 31, "einen", "Monat", True),
    ("at_least", 30, "einen", "Monat", False),
    ("at_most", 28, "einen", "Monat", True),
    ("at_most", 29, "einen", "Monat", False),
    ("less_than", 7, "10", "Werktage", True),      # 10 working days are at least 10 days
    ("less_than", 14, "10", "Werktage", False),    # ... and up to 18
])
def test_conditions_compare_every_length_the_period_can_have(op, promise, n, unit, verdict):
    caps = {"n": n, "unit": unit}
    assert evaluate(cond(op, **DAYS), prof(term__notice_days=promise), caps) is verdict


@pytest.mark.parametrize("caps", [
    {"n": 3},                                  # no unit captured
    {"n": 3, "unit": "Parsecs"},               # unknown unit word
    {"n": 3, "unit": "GB"},                    # a unit of another kind
    {"n": "viele", "unit": "Tage"},            # a number that cannot be read
    {"unit": "Tage"},                          # no number
    {"n": 3, "unit": 5.0},                     # a group that captured a number, not a word
])
def test_odd_captures_leave_the_test_undecided(caps):
    assert evaluate(cond("less_than", **DAYS), prof(term__notice_days=14), caps) is None


def test_capture_without_unit_is_unchanged():
    c = cond("less_than")
    assert evaluate(c, prof(term__notice_days=14), {"n": 30.0}) is True
    assert evaluate(c, prof(term__notice_days=30), {"n": 30.0}) is False
    assert evaluate(c, prof(term__notice_days=30), {"n": "drei"}) is None  # numbers are parsed by the audit


def test_describe_shows_the_conversion():
    c = cond("less_than", **DAYS)
    assert describe(c, VOCAB, "de", {"n": 3.0, "unit": "Monaten"}) == "Kündigungsfrist (Tage) < 3 Monate (89–92 Tage)"
    assert describe(c, VOCAB, "en", {"n": 6.0, "unit": "Wochen"}) == "Notice period (days) < 6 weeks (42 days)"
    assert describe(c, VOCAB, "en", {"n": 30.0, "unit": "days"}) == "Notice period (days) < 30 days"
    assert describe(c, VOCAB, "de", {"n": 3.0, "unit": "Parsecs"}) == "Kündigungsfrist (Tage) < 3 Parsecs"
    assert describe(c, VOCAB, "de", {}) == "Kündigungsfrist (Tage) < ? ?"


@pytest.mark.parametrize("ref,needle", [
    ({"capture": "n", "unit": "unit"}, "needs both `unit`"),
    ({"capture": "n", "as": "days"}, "needs both `unit`"),
    ({"capture": "n", "unit": "unit", "as": "Tage"}, "unknown unit 'Tage'"),
    ({"capture": "n", "unit": "n", "as": "days"}, "two different groups"),
    ({"capture": "n", "unit": "unit", "as": "days", "scale": 2}, "scale: Extra inputs are not permitted"),
])
def test_capture_spelling_is_validated(ref, needle):
    with pytest.raises(ValidationError) as e:
        FeatureCond.model_validate({"feature": "term.notice_days", "less_than": ref})
    assert needle in str(e.value)
    assert len(e.value.errors()) == 1  # one message, not one per member of the union


def test_every_target_unit_can_be_converted_to_and_spelled_in_a_rule():
    word = {"hours": "Tage", "days": "Tage", "weeks": "Tage", "months": "Tage", "years": "Tage",
            "MB": "GB", "GB": "GB", "TB": "GB", "Mbit/s": "Gbit/s"}
    assert set(word) == set(TARGET_UNITS)
    for t in TARGET_UNITS:
        assert convert("1", word[t], t) is not None
        FeatureCond.model_validate({"feature": "term.notice_days", "less_than": {"capture": "n", "unit": "u", "as": t}})


# ---------------------------------------------------------------------------- rules, lint, reports


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return make_scratch(tmp_path, "product/notice-period-vs-promise.yaml")


def test_lint_rejects_unknown_groups_and_a_unit_other_than_the_features(scratch: Path):
    f = scratch / "product" / "notice-period-vs-promise.yaml"
    edit_yaml(f, lambda d: d["contradicts"].__setitem__(
        "when", {"feature": "term.notice_days", "less_than": {"capture": "n", "unit": "einheit", "as": "months"}}))
    problems = lint(load_catalogue(scratch))
    joined = "\n".join(problems)
    assert "unit 'einheit' is not a named group (?P<einheit>...) in match.de" in joined
    assert "unit 'einheit' is not a named group (?P<einheit>...) in match.en" in joined
    assert "capture 'n' is converted to 'months', but term.notice_days is in 'days' (use as: days)" in joined


def test_lint_rejects_a_unit_capture_against_a_feature_without_unit(scratch: Path):
    f = scratch / "product" / "notice-period-vs-promise.yaml"
    edit_yaml(f, lambda d: d["contradicts"].__setitem__(
        "when", {"feature": "email.mailboxes", "less_than": {"capture": "n", "unit": "unit", "as": "days"}}))
    assert any("email.mailboxes has no unit" in p for p in lint(load_catalogue(scratch)))


def test_a_bad_capture_is_one_line_naming_file_and_key(scratch: Path):
    f = scratch / "product" / "notice-period-vs-promise.yaml"
    edit_yaml(f, lambda d: d["contradicts"]["when"]["less_than"].__setitem__("as", "tage"))
    with pytest.raises(CatalogueError) as e:
        load_catalogue(scratch)
    assert len(e.value.problems) == 1
    assert str(f) in e.value.problems[0] and "contradicts.when.less_than" in e.value.problems[0]
    assert "unknown unit 'tage'" in e.value.problems[0]


def test_an_example_whose_unit_word_cannot_be_read_fails(scratch: Path):
    """The pattern may capture a unit word the normaliser does not know: `rules test` says so."""
    f = scratch / "product" / "notice-period-vs-promise.yaml"

    def widen(d):
        d["match"]["de"]["all"][1]["regex"] = d["match"]["de"]["all"][1]["regex"].replace(
            "(?P<unit>", "(?P<unit>Zyklen|")
    edit_yaml(f, widen)
    cat = load_catalogue(scratch)
    rule = cat.by_id["notice-period-vs-promise"]
    ex = Example(text="Die Kündigungsfrist beträgt drei Zyklen.", profile={"term.notice_days": 14}, contradiction=True)
    ok, why = run_case(Case(rule, "de", "fail", 0, ex), cat)
    assert not ok and "unit word 'Zyklen'" in why
    ok, _ = run_case(Case(rule, "de", "fail", 0, Example(text="Die Kündigungsfrist beträgt drei Monate.")), cat)
    assert ok


def _notice(text: str, lang: str, report_lang: str, days: int | None = None):
    p = prof(term__notice_days=days) if days is not None else None
    r = audit_text(text, catalogue=CAT, profile=p, lang=lang, report_lang=report_lang)
    fs = [f for f in r.findings if f.rule_id == "notice-period-vs-promise"]
    assert len(fs) == 1, r.findings
    return fs[0]


@pytest.mark.parametrize("text,lang,report_lang,days,kind,message", [
    ("Die Kündigungsfrist beträgt sechs Wochen zum Monatsende.", "de", "de", 14, "contradiction",
     "Die Produktseite nennt eine Kündigungsfrist von 14 Tagen, Klausel ohne Nummer verlangt 6 Wochen."),
    ("Die Kündigungsfrist beträgt sechs Wochen zum Monatsende.", "de", "en", 14, "contradiction",
     "The product page states a notice period of 14 days, clause unnumbered demands 6 weeks."),
    ("Der Kunde kann mit einer Frist von drei Monaten kündigen.", "de", "de", None, "clause",
     "Klausel ohne Nummer legt als Kündigungsfrist 3 Monate fest."),
    ("Der Kunde kann mit einer Frist von einem Monat kündigen.", "de", "de", 30, "clause",
     "Klausel ohne Nummer legt als Kündigungsfrist 1 Monat fest."),
    ("You may cancel on one month's notice.", "en", "de", None, "clause",
     "Klausel ohne Nummer legt als Kündigungsfrist 1 Monat fest."),
    ("The notice period is six weeks.", "en", "en", 14, "contradiction",
     "The product page states a notice period of 14 days, clause unnumbered demands 6 weeks."),
])
def test_messages_read_well_in_the_report_language(text, lang, report_lang, days, kind, message):
    f = _notice(text, lang, report_lang, days)
    assert f.kind == kind
    assert f.message == message


def test_contradiction_names_the_conversion():
    f = _notice("Die Kündigungsfrist beträgt drei Monate zum Quartalsende.", "de", "de", 30)
    assert f.kind == "contradiction"
    assert f.features[0].condition == "Kündigungsfrist (Tage) < 3 Monate (89–92 Tage)"
    assert f.captures["unit"] == "Monate" and f.captures["n"] == 3  # the report keeps what the clause says


def test_product_page_and_clause_agree_on_the_same_words():
    """A product page's "6 Monate" is read as 180 days; the same words in a clause are no contradiction."""
    from tosaudit.models import Document, SourceInfo
    from tosaudit.product_page import extract_profile

    page = Document(source=SourceInfo(name="p", kind="pasted", sha256="-", size=1, extractor="t"),
                    text="Kündigungsfrist: 6 Monate zum Laufzeitende\n")
    p = extract_profile(page, VOCAB)
    assert p.value("term.notice_days") == 180
    r = audit_text("Die Kündigungsfrist beträgt sechs Monate zum Laufzeitende.", catalogue=CAT, profile=p, lang="de")
    fs = [f for f in r.findings if f.rule_id == "notice-period-vs-promise"]
    assert fs and fs[0].kind == "clause" and not fs[0].unknown_features
