"""The literal prefilter for regex leaves: its analysis, and hits identical to a plain search."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tosaudit.catalogue import load_catalogue
from tosaudit.match import LeafPool, WordIndex, _prefiltered_hits, _search_leaf, compile_rules
from tosaudit.prefilter import analyse

ROOT = Path(__file__).resolve().parent.parent
I = 2 | 32  # re.IGNORECASE | re.UNICODE


@pytest.mark.parametrize(
    "pattern,keys,word_start",
    [
        (r"\b(?:änder\w*|Änderung\w*|anpass\w*)", ("anpass", "änder"), True),
        (r"(?:zwei|drei|[2-4])\s+Monat\w*", ("2", "3", "4", "drei", "zwei"), False),
        (r"(?<!\w)ohne\s+Vorankündigung", ("ohne",), True),
        (r"(?:Mindest|Vertrags)?laufzeit", ("laufze", "mindes", "vertra"), False),
        (r"Gericht(?:sstand|e)?|Zuständigkeit", ("gerich", "zustän"), False),
        (r"(?<![\d,.])9\d\s*%", ("9",), False),
    ],
)
def test_analyse_reads_the_literal_start_of_a_pattern(pattern, keys, word_start):
    pf = analyse(pattern, I)
    assert pf is not None
    assert pf.keys == keys
    assert pf.word_start is word_start


@pytest.mark.parametrize(
    "pattern",
    [
        r"\w*sicherung",  # may start with any word character
        r"[^\s]+\s+Haftung",  # a negated class
        r"(?:Haftung)?",  # may match the empty string
        r"\d+\s*€",  # \d is any Unicode digit, not 0-9
        r"(?m)^Haftung$",  # end-of-line assertion
        r".{0,3}Haftung",
        r"\p{Lu}\w+",  # regex-module syntax
    ],
)
def test_analyse_gives_up_where_any_position_could_start_a_match(pattern):
    assert analyse(pattern, I) is None


def _both(pattern: str, text: str):
    leaf = LeafPool().get(pattern, "r")
    assert leaf.prefilter is not None, pattern
    starts = WordIndex(text).starts(leaf.prefilter, 10**9)
    assert starts is not None
    t0 = time.perf_counter()
    return (_search_leaf(leaf.compiled, text, 2.0, t0),
            _prefiltered_hits(leaf.compiled, text, starts, 2.0, t0, reach=leaf.prefilter.reach))


def test_prefiltered_hits_mirror_the_search_loop_on_crossing_and_overlapping_matches():
    text = ("Die Kündigung\nbedarf der Schriftform. Kündigung bedarf der Textform.\n"
            "Kündigungkündigung; KÜNDIGUNG bedarf; kündigung bedarf\n")
    for pattern in (r"Kündigung\s+bedarf", r"Kündigung[^.]*Form", r"kündigung", r"(?:kündigung){1,2}",
                    r"bedarf\s+der\s+(?:Schrift|Text)form(?=\W)", r"Form\.(?!\s*\n)"):
        a, b = _both(pattern, text)
        assert a == b, pattern
        assert a, pattern


def test_word_index_declines_infix_lookups_when_lower_casing_changes_a_words_length():
    text = "İSTANBUL Vertragslaufzeit"
    pf = analyse(r"laufzeit", I)
    assert WordIndex(text).starts(pf, 10**9) is None
    assert WordIndex("Vertragslaufzeit und Laufzeit").starts(pf, 10**9) == [8, 21]


def test_too_many_candidates_fall_back_to_a_search():
    pf = analyse(r"(?:e|a)\w+", I)
    assert WordIndex("eins zwei drei").starts(pf, 1) is None


def _texts() -> str:
    parts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").rglob("*.txt"))]
    cat = load_catalogue()
    for r in cat.rules:
        for lang, ex in r.examples.items():
            for e in list(ex.fail) + list(ex.pass_):
                parts.append(e if isinstance(e, str) else e.text)
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_prefiltered_leaf_of_the_catalogue_finds_what_a_search_finds(lang):
    """On the samples and all rule examples: same hits, same captures, leaf by leaf."""
    text = _texts()
    _, pool = compile_rules(load_catalogue().rules, lang)
    index = WordIndex(text)
    checked = 0
    for leaf in pool.by_pattern.values():
        if leaf.prefilter is None:
            continue
        starts = index.starts(leaf.prefilter, 10**9)
        if starts is None:
            continue
        t0 = time.perf_counter()
        got = _prefiltered_hits(leaf.compiled, text, starts, 5.0, t0, reach=leaf.prefilter.reach)
        assert got == _search_leaf(leaf.compiled, text, 5.0, t0), leaf.pattern
        checked += 1
    assert checked > 100


def test_a_pattern_may_also_start_with_a_caseless_symbol():
    pf = analyse(r"(?:€|EUR)\s?(?:[3-9]|[1-9]\d)|§\s*309", I)
    assert pf is not None and pf.keys == ("eur",) and pf.chars == ("§", "€")
    a, b = _both(r"(?:€|EUR)\s?(?:[3-9]|[1-9]\d)|§\s*309", "Gebühr 5 € oder € 12, EUR 7; siehe §309 und § 309.\n€\n4")
    assert a == b and len(a) == 4


def test_a_long_top_level_alternation_is_still_analysed():
    words = [f"{chr(97 + i % 26)}{chr(97 + i // 26)}q" for i in range(300)]
    pf = analyse("|".join(words), I)
    assert pf is not None and len(pf.keys) == 300


def test_a_lookahead_still_sees_the_next_line():
    """`kann(?!\\s+du)` must not match "kann" when the next line starts with "Du" (a search doesn't)."""
    assert analyse(r"\bkann(?!\s+(?:du|Sie)\b)", I).reach is None  # unbounded: the attempt sees all
    assert analyse(r"\bkann(?!\s{1,3}(?:du|Sie)\b)", I).reach == 6
    text = "Wer es nutzen kann\nDu bist berechtigt. Es kann sein.\nkann"
    for pattern in (r"\bkann(?!\s+(?:du|Sie)\b)", r"\bkann(?!\s{1,3}(?:du|Sie)\b)"):
        a, b = _both(pattern, text)
        assert a == b and len(a) == 2, pattern


def test_patterns_that_start_inside_a_word():
    pf = analyse(r"\b\w{0,20}(?:bedingungen|vereinbarung)\b|\bAGB", I)
    assert pf is not None and pf.word_start and pf.keys == ("agb",) and pf.inword == ("beding", "verein")
    assert analyse(r"\w*dienst", I) is None  # without \b the match may start anywhere in the word
    a, b = _both(r"\b(?:\w*dienst\w*|Funktion\w*)", "Der Clouddienst, Dienste und Zusatzdienstleistungen; Funktionen.\nDIENST")
    assert a == b and len(a) == 5


def test_candidates_are_cached_per_whole_prefilter():
    """Two patterns with the same word keys but different symbol starts get their own candidates."""
    index = WordIndex("Gebühr EUR 5 oder € 7")
    plain = analyse(r"EUR\s?\d", I)
    with_sym = analyse(r"(?:€|EUR)\s?\d", I)
    assert plain.keys == with_sym.keys and plain.chars != with_sym.chars
    assert index.starts(plain, 10**9) == [7]
    assert index.starts(with_sym, 10**9) == [7, 18]
