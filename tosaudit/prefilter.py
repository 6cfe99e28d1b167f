"""Literal prefilter for `regex` leaves: where in a text can a pattern's match start?

A hand-written rule pattern such as ``\\b(?:änder\\w*|Änderung\\w*|anpass\\w*)`` or
``(?:zwei|drei|[2-9])\\s+Monat\\w*`` gives the regex engine nothing to skip ahead to: an
alternation of words is tried at every position of a 600 kB text. But every match of such a
pattern begins with one of a few literal strings ("änder", "anpass"; "zwei", "drei", "2" … "9").
This module reads that set off the pattern's parse tree; the matcher then looks the strings up
in the document's word index (``tosaudit.match.WordIndex``) and tries the compiled pattern only
where one of them occurs, with ``match`` instead of ``search``. The hits are exactly those of a
full ``search`` loop, because every match must start at one of the candidate positions (the
test suite compares both ways for every leaf of the catalogue on the samples, and the change
was checked on all evaluation corpora).

The analysis is conservative. It gives up (the leaf is then searched the old way) when a
pattern can start with an arbitrary character (``\\w*foo``, ``[^\\s]``, ``.``), can match the
empty string, uses syntax only the ``regex`` module knows, or uses end-of-text assertions.
Python's own ``re`` parser is used: ``regex`` (VERSION0) shares its syntax for everything the
analysis accepts, and anything it cannot parse simply falls back.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layout
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

#: stop growing the set of prefixes beyond this many alternatives
MAX_PREFIXES = 96
#: ... except for the alternatives a pattern starts with (a long top-level alternation)
MAX_START = 1024
#: literal prefixes longer than this are not extended (enough to be selective)
MAX_LEN = 6
#: a character set with more members than this is "any character" for the analysis
MAX_SET = 12


@dataclass(frozen=True)
class Prefilter:
    """The literal keys one of which starts every match.

    ``keys``: lower-cased strings of word characters; ``word_start``: every match starts at the
    beginning of a word (the pattern opens with ``\\b`` or ``(?<!\\w)``), so a key must begin a
    word, else it may sit anywhere inside one.
    """

    keys: tuple[str, ...]
    word_start: bool
    #: single non-word characters without case (e.g. "€", "§", "$") that may also start a match
    chars: tuple[str, ...] = ()
    #: (only with ``word_start``) keys that may sit anywhere inside the word a match starts,
    #: from patterns like ``\\b\\w*dienst`` or ``\\b\\w{0,20}bedingungen``
    inword: tuple[str, ...] = ()
    #: how far past a position the pattern's lookaheads may look (None: unbounded); an
    #: attempt must see that much text after its line so that it succeeds exactly when a search does
    reach: int | None = 0


_WORD = regex.compile(r"\w+")
#: marks "a run of word characters" at the start of a prefix (never part of a key)
ANY_WORD = "\x01"


class _GiveUp(Exception):
    pass


_Prefixes = list[tuple[str, bool]]  # (literal so far, may still grow)


def _lower(ch: str) -> str:
    low = ch.lower()
    if len(low) != 1:
        raise _GiveUp
    return low


def _set_chars(items) -> list[str]:
    """The members of a small positive character set (_GiveUp for classes, negation, big ranges)."""
    chars: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            chars.append(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo + 1 > MAX_SET:
                raise _GiveUp
            chars.extend(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY, ...
            raise _GiveUp
        if len(chars) > MAX_SET:
            raise _GiveUp
    return chars


def _item(op, av) -> _Prefixes | None:
    """The literal prefixes one item can start with ([("", True)] for zero-width items).

    None: the item may start with (too) many different characters; the prefixes end before it.
    """
    if op is C.LITERAL:
        return [(_lower(chr(av)), True)]
    if op is C.IN:
        try:
            chars = _set_chars(av)
        except _GiveUp:
            return None
        return [(c, True) for c in dict.fromkeys(_lower(ch) for ch in chars)]
    if op is C.AT:
        if av in (C.AT_END, C.AT_END_STRING, C.AT_END_LINE):
            raise _GiveUp  # end assertions behave differently when a line is searched alone
        return [("", True)]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [("", True)]  # zero width; ignoring it only widens the candidate set
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return _seq(sub)
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq(av)
    if op is C.BRANCH:
        out: _Prefixes = []
        for alt in av[1]:
            out.extend(_seq(alt))
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)):
        lo, hi, sub = av
        if _is_word_class(sub):
            return [(ANY_WORD, True)]  # \w*, \w+, \w{0,20}: some run of word characters
        inner = _seq(sub)
        if lo == 0:
            return [("", True)] + [(s, False) for s, _ in inner]
        return [(s, grow and hi == 1) for s, grow in inner]
    if op in (C.ANY, C.NOT_LITERAL, C.CATEGORY):
        return None
    raise _GiveUp  # GROUPREF, conditional groups, anything not analysed


def _is_word_class(sub) -> bool:
    items = list(sub)
    if len(items) != 1:
        return False
    op, av = items[0]
    return op is C.IN and list(av) == [(C.CATEGORY, C.CATEGORY_WORD)]


def _seq(items) -> _Prefixes:
    out: _Prefixes = [("", True)]
    for op, av in items:
        if not any(grow for _, grow in out):
            break
        opts = _item(op, av)
        if opts is None:
            return [(s, False) for s, _ in out]
        growing = sum(1 for _, g in out if g)
        if growing * len(opts) > MAX_PREFIXES and not (out == [("", True)] and len(opts) <= MAX_START):
            return [(s, False) for s, _ in out]
        new: _Prefixes = []
        for s, grow in out:
            if not grow or len(s.lstrip(ANY_WORD)) >= MAX_LEN:
                new.append((s, False))
                continue
            for t, tg in opts:
                new.append((s + t, tg))
        out = list(dict.fromkeys(new))
    return out


def _word_run(s: str) -> str:
    """The leading word characters of s, by the same definition of a word as the word index."""
    m = _WORD.match(s)
    return m.group() if m else ""


def _opens_at_word_start(parsed) -> bool:
    """Does every match start at a word start (\\b or (?<!\\w) before anything else)?"""
    items = list(parsed)
    if not items:
        return False
    op, av = items[0]
    if op is C.AT and av is C.AT_BOUNDARY:
        return True
    if op is C.ASSERT_NOT:
        direction, sub = av
        sub = list(sub)
        if direction == -1 and len(sub) == 1:
            sop, sav = sub[0]
            if sop is C.IN and list(sav) == [(C.CATEGORY, C.CATEGORY_WORD)]:
                return True
    return False


def _lookahead_reach(items) -> int | None:
    """The widest lookahead of a pattern, in characters (None when unbounded)."""
    reach = 0
    for op, av in items:
        if op in (C.ASSERT, C.ASSERT_NOT) and av[0] == 1:
            hi = av[1].getwidth()[1]
            if hi >= C.MAXREPEAT:
                return None
            reach = max(reach, hi)
        for sub in _children(op, av):
            r = _lookahead_reach(sub)
            if r is None:
                return None
            reach = max(reach, r)
    return reach


def _has_end_assertion(items) -> bool:
    for op, av in items:
        if op is C.AT and av in (C.AT_END, C.AT_END_STRING, C.AT_END_LINE):
            return True
        for sub in _children(op, av):
            if _has_end_assertion(sub):
                return True
    return False


def _children(op, av) -> list:
    if op is C.SUBPATTERN:
        return [av[3]]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) or op is getattr(C, "POSSESSIVE_REPEAT", None):
        return [av[2]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    if op is C.BRANCH:
        return list(av[1])
    if op is getattr(C, "ATOMIC_GROUP", None):
        return [av]
    if op is C.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def analyse(pattern: str, flags: int = 0) -> Prefilter | None:
    """The prefilter of one pattern, or None when every position must be tried."""
    if "\\L<" in pattern or "[[:" in pattern or "(?|" in pattern:
        return None  # regex-module syntax that Python's parser would misread
    try:
        parsed = P.parse(pattern, flags)
    except Exception:  # syntax only the regex module knows (or anything unexpected)
        return None
    try:
        if _has_end_assertion(parsed):
            return None  # "$" or "\Z" see the end of the line where a line is tried alone
        prefixes = _seq(parsed)
    except Exception:  # _GiveUp, or a parser internal this Python version names differently
        return None
    keys = set()
    chars = set()
    inword = set()
    for s, _ in prefixes:
        k = _word_run(s)
        if k:
            keys.add(k)
        elif s.startswith(ANY_WORD) and _word_run(s[1:]):
            inword.add(_word_run(s[1:]))  # the key lies inside the word the match starts
        elif s and s[0].lower() == s[0].upper() and not s[0].isspace():
            chars.add(s[0])  # "€", "§": found by scanning for that one character
        else:
            return None  # a match may be empty or start with any of many characters
    # a key that starts with another key adds nothing
    minimal = sorted(keys, key=len)
    kept: list[str] = []
    for k in minimal:
        if not any(k.startswith(x) for x in kept):
            kept.append(k)
    word_start = _opens_at_word_start(parsed)
    if inword and not word_start:
        return None  # the match may start anywhere before the key inside its word
    try:
        reach = _lookahead_reach(parsed)
    except Exception:
        reach = None
    return Prefilter(tuple(sorted(kept)), word_start, tuple(sorted(chars)), tuple(sorted(inword)), reach)
