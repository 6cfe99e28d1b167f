"""The pattern engine: leaves, combinators, exceptions, captures and the timeout."""

from __future__ import annotations

import pytest

from tosaudit.catalogue.schema import Rule
from tosaudit.match import Matcher, PatternError, parse_number, term_to_regex

import regex


def rule(match: dict, unless: dict | None = None, scope: str = "sentence", unless_scope: str | None = None) -> Rule:
    data = {
        "id": "t-rule",
        "title": {"de": "T", "en": "T"},
        "category": "data",
        "severity": "warning",
        "confidence": "medium",
        "legal_basis": ["BGB-307-1-1"],
        "scope": scope,
        "match": match,
        "message": {"de": "m", "en": "m"},
        "why": {"de": "w", "en": "w"},
        "ask": {"de": "a", "en": "a"},
        "examples": {},
    }
    if unless:
        data["unless"] = unless
    if unless_scope:
        data["unless_scope"] = unless_scope
    return Rule.model_validate(data)


def run(r: Rule, text: str, lang: str = "de", units=None, clauses=None, timeout: float = 2.0):
    units = units or [(0, len(text))]
    clauses = clauses or [(0, len(text))]
    hits, problems = Matcher([r], lang, timeout=timeout).run(text, units, clauses)
    return hits, problems


def texts(hits, text):
    return [[text[s.start : s.end] for s in h.spans] for h in hits]


@pytest.mark.parametrize(
    "term,text,expected",
    [
        ("Datensicherung*", "Datensicherungen", True),
        ("*sicherung", "Datensicherung", True),
        ("*sicherung", "Sicherungen", False),
        ("Backup", "Backups", False),
        ("E-Mail", "EMail", True),
        ("E-Mail", "E Mail", True),
        ("don't", "do n't", True),
        ("you are responsible", "You  are\nresponsible", True),
        ("Kunde", "Kundendienst", False),
    ],
)
def test_terms(term, text, expected):
    assert bool(regex.search(term_to_regex(term), text, regex.IGNORECASE)) is expected


def test_all_any_not_and_spans():
    r = rule({"de": {"all": [{"terms": ["Kunde*"]}, {"any": [{"terms": ["obliegt"]}, {"regex": "verpflichtet"}]},
                             {"not": {"terms": ["Anbieter"]}}]}})
    t = "Die Sicherung obliegt dem Kunden. Der Anbieter ist verpflichtet, der Kunde nicht."
    cut = t.index("Der")
    hits, _ = run(r, t, units=[(0, cut - 1), (cut, len(t))])
    assert texts(hits, t) == [["obliegt", "Kunden"]]
    assert hits[0].spans[0].path == "match.de.all[1].any[0].terms"


def test_near_window_and_order():
    r = rule({"en": {"near": {"items": [{"terms": ["suspend"]}, {"terms": ["without notice"]}], "within": 4}}})
    assert run(r, "We may suspend your account without notice.", "en")[0]
    assert not run(r, "We may suspend your account if you breach these terms, and we give you notice.", "en")[0]
    ordered = rule({"en": {"near": {"items": [{"terms": ["without notice"]}, {"terms": ["suspend"]}],
                                    "within": 4, "ordered": True}}})
    assert not run(ordered, "We may suspend your account without notice.", "en")[0]


def test_near_finds_a_chain_the_nearest_hit_would_miss():
    # the nearest "beta" to "alpha" is the one before it, but only the one after it reaches "gamma":
    # a greedy nearest-hit chain fails here, the exhaustive search must not
    items = [{"terms": ["alpha"]}, {"terms": ["beta"]}, {"terms": ["gamma"]}]
    r = rule({"en": {"near": {"items": items, "within": 2}}})
    t = "beta one alpha two three beta gamma"
    hits, _ = run(r, t, "en")
    assert texts(hits, t) == [["alpha", "beta", "gamma"]]
    assert hits[0].spans[1].start == t.rindex("beta")
    # and the window still binds: no chain when every "beta" is too far from "gamma"
    assert not run(r, "beta one alpha two three four beta five six seven gamma", "en")[0]
    ordered = rule({"en": {"near": {"items": items, "within": 3, "ordered": True}}})
    assert run(ordered, "alpha one beta two gamma", "en")[0]
    assert not run(ordered, "gamma beta alpha", "en")[0]


def test_unless_sentence_and_clause_scope():
    m = {"de": {"terms": ["Haftung ausgeschlossen"]}}
    u = {"de": [{"terms": ["Vorsatz"]}]}
    t = "Die Haftung ausgeschlossen ist. Das gilt nicht bei Vorsatz."
    cut = t.index("Das")
    units = [(0, cut - 1), (cut, len(t))]
    assert run(rule(m, u), t, units=units)[0], "sentence-scoped exception does not look at the next sentence"
    assert not run(rule(m, u, unless_scope="clause"), t, units=units)[0]


def test_clause_scope_combines_sentences():
    r = rule({"de": {"all": [{"terms": ["sperren"]}, {"terms": ["ohne Ankündigung"]}]}}, scope="clause")
    t = "Wir dürfen den Zugang sperren. Dies geschieht ohne Ankündigung."
    assert run(r, t, units=[(0, 30), (31, len(t))])[0]
    s = rule({"de": {"all": [{"terms": ["sperren"]}, {"terms": ["ohne Ankündigung"]}]}})
    assert not run(s, t, units=[(0, 30), (31, len(t))])[0]


def test_captures():
    r = rule({"de": {"regex": r"(?P<pct>\d+(?:[.,]\d+)?)\s*%\s+im\s+Jahresmittel"}})
    hits, _ = run(r, "Die Verfügbarkeit beträgt 99,5 % im Jahresmittel.")
    assert hits[0].captures() == {"pct": "99,5"}


def test_timeout_names_rule_instead_of_hanging():
    r = rule({"de": {"regex": r"(?:(?:a|aa)+)+$"}})
    hits, problems = run(r, "a" * 40 + "!", timeout=0.2)
    assert hits == []
    assert problems and problems[0].kind == "rule-timeout" and problems[0].rule_id == "t-rule"


def test_pattern_only_negative_is_rejected():
    with pytest.raises(PatternError):
        Matcher([rule({"de": {"not": {"terms": ["x"]}}})], "de")


def test_bad_regex_is_reported():
    with pytest.raises(PatternError, match="does not compile"):
        Matcher([rule({"de": {"regex": "(unclosed"}})], "de")


@pytest.mark.parametrize(
    "s,n",
    [("99,9", 99.9), ("99.9", 99.9), ("1.000", 1000.0), ("1.000,5", 1000.5), ("drei", 3.0), ("twelve", 12.0),
     ("24", 24.0), ("abc", None)],
)
def test_parse_number(s, n):
    assert parse_number(s) == n


def test_a_match_crossing_a_line_does_not_hide_the_match_below():
    r = rule({"de": {"regex": r"Kündigung[^.]*schriftlich"}})
    t = "§ 3 Kündigung\n(4) Die Kündigung bedarf der schriftlichen Form, also schriftlich."
    line2 = t.index("(4)")
    hits, _ = run(r, t, units=[(0, line2 - 1), (line2, len(t))])
    assert [t[h.spans[0].start : h.spans[0].end] for h in hits] == ["Kündigung bedarf der schriftlichen Form, also schriftlich"]


def test_word_index_finds_the_same_as_the_regex_scan():
    """Terms found through the word index equal a plain regex scan (wildcards, hyphens, apostrophes)."""
    from tosaudit.match import LeafPool, WordIndex, _search_leaf, _term_hits

    text = ("Die Datensicherungen obliegen dem Kunden. E-Mail und EMail und E Mail.\n"
            "You don't and do n't, Sicherungskopie, Tagessicherung; backup-copies; §309 BGB.")
    terms = ["Datensicherung*", "*sicherung", "*sicherung*", "E-Mail", "don't", "backup*", "§309", "obliegen dem"]
    for t in terms:
        pool = LeafPool()
        leaf = pool.get(f"t:{t}", "r", [t])
        via_index = [(h.start, h.end) for h in _term_hits(leaf, text, WordIndex(text), 2.0, __import__("time").perf_counter())]
        via_regex = [(h.start, h.end) for h in _search_leaf(leaf.lookups[0].compiled, text, 2.0, __import__("time").perf_counter())]
        assert via_index == via_regex, t
        assert via_index, t


def test_regex_leaves_beside_terms_only_run_where_the_terms_hit():
    from tosaudit.match import necessary

    r = rule({"de": {"all": [{"terms": ["sperren"]}, {"regex": r"ohne\s+\w*ankündigung"}]}})
    m = Matcher([r], "de")
    assert [leaf.lookups is not None for leaf in m.compiled[0].trigger] == [True]
    t = "Wir dürfen sperren ohne Vorankündigung. Ohne Vorankündigung geschieht nichts."
    cut = t.index("Ohne")
    hits, _ = m.run(t, [(0, cut - 1), (cut, len(t))], [(0, len(t))])
    assert len(hits) == 1 and hits[0].unit_start == 0
    assert necessary(m.compiled[0].tree) is not None
