"""Evaluate rules' pattern trees over a document.

How it runs (and why it is fast): every distinct leaf pattern (``regex`` or ``terms``) of the
selected rules is compiled once and searched once over the whole normalised text. The hits
are then assigned to units (sentences, clauses or the whole document) by offset, and a rule's
tree is evaluated only on the units where at least one of its positive leaves hit. A leaf that
exceeds its time budget (the ``regex`` module's ``timeout``) is stopped; the rules using it are
named in the problems instead of hanging the audit.
"""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import regex

from tosaudit.catalogue.schema import Node, Rule
from tosaudit.models import Problem
from tosaudit.prefilter import Prefilter, analyse

FLAGS = regex.IGNORECASE | regex.UNICODE | regex.VERSION0
#: the same flags for Python's own parser (tosaudit.prefilter reads patterns with it)
_RE_FLAGS = 2 | 32  # re.IGNORECASE | re.UNICODE
#: time budget for one leaf pattern over one text (seconds)
DEFAULT_TIMEOUT = 2.0

_WORD = regex.compile(r"\w+")
#: a regex leaf is tried at its prefilter's candidate positions only while there are fewer than
#: one per this many characters of text; beyond that a plain search is as cheap
PREFILTER_DENSITY = 12


# ---------------------------------------------------------------------------- compiling


def term_to_regex(term: str) -> str:
    """A literal word or phrase as a pattern: case-insensitive, whole words, flexible spacing.

    ``*`` at the start or end lets the word continue (German compounds: ``*sicherung``,
    ``Datensicherung*``); a space matches any run of white space; a hyphen matches a hyphen,
    a space or nothing (``E-Mail`` = ``EMail`` = ``E Mail``); an apostrophe matches either
    apostrophe or none (``don't`` also matches LexGLUE's ``do n't``).
    """
    t = term.strip()
    if not t:
        raise ValueError("empty term")
    left_open = t.startswith("*")
    right_open = t.endswith("*")
    core = t.strip("*")
    if not core:
        raise ValueError(f"term {term!r} has no letters")
    out: list[str] = []
    i = 0
    while i < len(core):
        ch = core[i]
        i += 1
        if ch.lower() == "n" and core[i : i + 2] in ("'t", "’t"):
            out.append(r"\s?n\s?['’]?t")  # "don't" = LexGLUE's tokenised "do n't"
            i += 2
        elif ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch in "-‐‑–":
            out.append(r"[-\s]?")
        elif ch in "'’":
            out.append(r"\s?['’]?")
        else:
            out.append(regex.escape(ch))
    body = "".join(out)
    left = r"\w*" if left_open else r"(?<!\w)"
    right = r"\w*" if right_open else r"(?!\w)"
    return left + body + right


def terms_to_regex(terms: Sequence[str]) -> str:
    # longest first so that alternation prefers the longest phrase
    parts = sorted({term_to_regex(t) for t in terms}, key=len, reverse=True)
    return "(?:" + "|".join(parts) + ")"


@dataclass
class Leaf:
    id: int
    pattern: str
    compiled: Any
    rule_ids: set[str] = field(default_factory=set)
    #: for `terms` leaves: how to find each term through the word index (see TermLookup)
    lookups: list[TermLookup] | None = None
    #: for `regex` leaves: literal keys one of which starts every match (tosaudit.prefilter)
    prefilter: Prefilter | None = None
    #: the lookups grouped by word-index key (built from ``lookups``)
    groups: list[TermGroup] | None = None


@dataclass
class TermGroup:
    """The terms of one leaf that share a word-index key (e.g. all terms starting with "der").

    ``combined`` is an alternation of the members: one attempt per candidate position tells
    whether any member can match there, and only then are the members tried one by one (to
    keep the longest match at that position). With twenty terms starting with "der" this cuts
    the attempts at each "der" of a contract from twenty to one.
    """

    mode: str
    key: str
    combined: Any
    members: list[Any]


@dataclass
class TermLookup:
    """One term of a `terms` leaf: where its first word may occur, and the term's own pattern.

    ``mode``: exact (the word equals ``key``), prefix (starts with it), suffix (ends with it),
    infix (contains it), or scan (the term does not start with a letter or digit: search the
    whole text). Candidates come from the document's word index; the pattern decides.
    """

    mode: str
    key: str
    compiled: Any


def group_lookups(lookups: Sequence[TermLookup]) -> list[TermGroup]:
    by_key: dict[tuple[str, str], list[TermLookup]] = {}
    for lk in lookups:
        by_key.setdefault((lk.mode, lk.key), []).append(lk)
    out = []
    for (mode, key), lks in by_key.items():
        members = [lk.compiled for lk in lks]
        if len(members) == 1 or mode == "scan":
            combined = members[0] if len(members) == 1 else None
        else:
            combined = regex.compile("|".join(f"(?:{m.pattern})" for m in members), FLAGS)
        out.append(TermGroup(mode, key, combined, members))
    return out


def term_lookup(term: str) -> TermLookup:
    t = term.strip()
    left_open, right_open = t.startswith("*"), t.endswith("*")
    core = t.strip("*")
    compiled = regex.compile(term_to_regex(term), FLAGS)
    m = _WORD.match(core)
    if m is None:
        return TermLookup("scan", "", compiled)
    key = m.group().lower()
    rest = core[m.end():]
    if key.endswith("n") and rest[:2] in ("'t", "’t"):  # "don't" also matches "do n't"
        key, rest = key[:-1], rest[2:] or "x"
    continues = bool(rest) and not rest[0].isspace()  # hyphen, apostrophe, punctuation
    open_right = continues or (right_open and not rest)
    if left_open:
        mode = "infix" if open_right else "suffix"
    else:
        mode = "prefix" if open_right else "exact"
    if not key:
        return TermLookup("scan", "", compiled)
    return TermLookup(mode, key, compiled)


class WordIndex:
    """Where each word of a text starts (lower-cased), built once per text."""

    def __init__(self, text: str):
        self.text = text
        self.pos: dict[str, list[int]] = {}
        pos = self.pos
        lowered = text.lower()
        #: some word changes length when lower-cased (e.g. "İ"): offsets inside words unsafe
        self.irregular = len(lowered) != len(text)
        if not self.irregular:
            # the usual case: one lower() for the whole text, offsets unchanged
            for m in _WORD.finditer(lowered):
                w = m.group()
                got = pos.get(w)
                if got is None:
                    pos[w] = [m.start()]
                else:
                    got.append(m.start())
        else:
            for m in _WORD.finditer(text):
                pos.setdefault(m.group().lower(), []).append(m.start())
        self.words = sorted(self.pos)
        self._cache: dict[tuple[str, str], list[int]] = {}
        self._blob: str | None = None
        self._blob_starts: list[int] = []
        self._starts_cache: dict[Prefilter, list[int] | None] = {}

    def candidates(self, mode: str, key: str) -> list[int]:
        """Text positions for one lookup, cached per text.

        exact / prefix / suffix / infix: the starts of the words that equal, start with, end with
        or contain ``key``; inside: every position where ``key`` occurs within a word; char:
        every position of the (caseless) character ``key``.
        """
        ck = (mode, key)
        got = self._cache.get(ck)
        if got is None:
            got = self._lookup(mode, key)
            self._cache[ck] = got
        return got

    def _lookup(self, mode: str, key: str) -> list[int]:
        if mode == "exact":
            return self.pos.get(key, [])
        if mode == "prefix":
            i = bisect.bisect_left(self.words, key)
            got: list[int] = []
            while i < len(self.words) and self.words[i].startswith(key):
                got.extend(self.pos[self.words[i]])
                i += 1
            return got
        if mode == "suffix":
            return [p for w in self.words if w.endswith(key) for p in self.pos[w]]
        if mode == "char":
            return self._char(key)
        return self._in_words(key, offsets=(mode == "inside"))

    def _char(self, ch: str) -> list[int]:
        got = []
        find = self.text.find
        i = find(ch)
        while i >= 0:
            got.append(i)
            i = find(ch, i + 1)
        return got

    def _in_words(self, key: str, offsets: bool) -> list[int]:
        """Words containing ``key``, found with one str.find pass over all distinct words.

        ``offsets``: the positions of the key itself (for every occurrence inside a word),
        else the start of each word that contains it.
        """
        if self._blob is None:
            self._blob = "\n".join(self.words)
            acc = 0
            for w in self.words:
                self._blob_starts.append(acc)
                acc += len(w) + 1
        blob, starts, words = self._blob, self._blob_starts, self.words
        got: list[int] = []
        i = blob.find(key)
        while i >= 0:
            wi = bisect.bisect_right(starts, i) - 1
            if offsets:
                off = i - starts[wi]
                got.extend(p + off for p in self.pos[words[wi]])
                i = blob.find(key, i + 1)
            else:
                got.extend(self.pos[words[wi]])
                i = blob.find(key, starts[wi + 1] if wi + 1 < len(starts) else len(blob))
        return got

    def starts(self, pf: Prefilter, limit: int) -> list[int] | None:
        """Sorted positions where a match of a prefiltered pattern may start.

        None when the prefilter cannot be used on this text (more than ``limit`` candidates, so
        that a plain search is cheaper, or words whose length changes when lower-cased).
        """
        if pf in self._starts_cache:
            return self._starts_cache[pf]
        got: list[int] | None
        if not pf.word_start and self.irregular:
            got = None
        else:
            lookups = ([("prefix" if pf.word_start else "inside", k) for k in pf.keys]
                       + [("char", c) for c in pf.chars] + [("infix", k) for k in pf.inword])
            acc: set[int] = set()
            for mode, key in lookups:
                acc.update(self.candidates(mode, key))
                if len(acc) > limit:
                    break
            got = None if len(acc) > limit else sorted(acc)
        self._starts_cache[pf] = got
        return got


@dataclass
class CNode:
    """A compiled node: ``kind`` in leaf/any/all/not/near."""

    kind: str
    path: str
    leaf: Leaf | None = None
    children: list[CNode] = field(default_factory=list)
    within: int = 0
    ordered: bool = False


class PatternError(ValueError):
    pass


class LeafPool:
    """Compiles each distinct pattern once (shared across rules)."""

    def __init__(self) -> None:
        self.by_pattern: dict[str, Leaf] = {}

    def get(self, pattern: str, rule_id: str, terms: Sequence[str] | None = None) -> Leaf:
        leaf = self.by_pattern.get(pattern)
        if leaf is None:
            try:
                # a `terms` leaf is searched term by term through the word index
                lookups = [term_lookup(t) for t in dict.fromkeys(terms)] if terms else None
                compiled = None if lookups else regex.compile(pattern, FLAGS)
            except regex.error as exc:
                raise PatternError(f"pattern does not compile: {exc}") from exc
            pf = analyse(pattern, _RE_FLAGS) if compiled is not None else None
            leaf = Leaf(id=len(self.by_pattern), pattern=pattern, compiled=compiled, lookups=lookups,
                        prefilter=pf, groups=group_lookups(lookups) if lookups else None)
            self.by_pattern[pattern] = leaf
        leaf.rule_ids.add(rule_id)
        return leaf


def compile_node(node: Node, pool: LeafPool, rule_id: str, path: str) -> CNode:
    kind = node.kind
    if kind == "regex":
        return CNode("leaf", path + ".regex", leaf=pool.get(node.regex, rule_id))  # type: ignore[arg-type]
    if kind == "terms":
        try:
            pat = terms_to_regex(node.terms)  # type: ignore[arg-type]
        except ValueError as exc:
            raise PatternError(str(exc)) from exc
        return CNode("leaf", path + ".terms", leaf=pool.get(pat, rule_id, node.terms))
    if kind in ("any", "all"):
        kids = getattr(node, kind)
        return CNode(kind, path + "." + kind, children=[
            compile_node(k, pool, rule_id, f"{path}.{kind}[{i}]") for i, k in enumerate(kids)
        ])
    if kind == "not":
        return CNode("not", path + ".not", children=[compile_node(node.not_, pool, rule_id, path + ".not")])  # type: ignore[arg-type]
    if kind == "near":
        near = node.near
        assert near is not None
        return CNode(
            "near",
            path + ".near",
            children=[compile_node(k, pool, rule_id, f"{path}.near[{i}]") for i, k in enumerate(near.items)],
            within=near.within,
            ordered=near.ordered,
        )
    raise AssertionError(kind)  # pragma: no cover


def positive_leaves(node: CNode, negated: bool = False) -> list[Leaf]:
    """Leaves whose hit can make the node true (not under a ``not``)."""
    if node.kind == "leaf":
        return [] if negated else [node.leaf]  # type: ignore[list-item]
    if node.kind == "not":
        return positive_leaves(node.children[0], not negated)
    out: list[Leaf] = []
    for c in node.children:
        out.extend(positive_leaves(c, negated))
    return out


def necessary(node: CNode) -> list[Leaf] | None:
    """A small set of leaves one of which must hit wherever the node matches (None: no such set).

    ``all``/``near`` need only their cheapest child (a `terms` child, found through the word
    index, costs next to nothing); ``any`` needs all its children's sets; ``not`` gives none.
    """
    if node.kind == "leaf":
        return [node.leaf]  # type: ignore[list-item]
    if node.kind == "not":
        return None
    sets = [necessary(c) for c in node.children]
    if node.kind == "any":
        if any(x is None for x in sets):
            return None
        return [leaf for x in sets for leaf in x]  # type: ignore[union-attr]
    known = [x for x in sets if x is not None]
    if not known:
        return None
    return min(known, key=lambda x: (sum(leaf.lookups is None for leaf in x), len(x)))


def all_leaves(node: CNode) -> list[Leaf]:
    if node.kind == "leaf":
        return [node.leaf]  # type: ignore[list-item]
    out: list[Leaf] = []
    for c in node.children:
        out.extend(all_leaves(c))
    return out


@dataclass
class CompiledRule:
    rule: Rule
    lang: str
    tree: CNode
    unless: list[CNode]
    trigger: list[Leaf]  # necessary leaves: a unit without any of their hits cannot match

    @property
    def leaves(self) -> list[Leaf]:
        out = all_leaves(self.tree)
        for u in self.unless:
            out.extend(all_leaves(u))
        return out


def compile_rules(rules: Iterable[Rule], lang: str, pool: LeafPool | None = None) -> tuple[list[CompiledRule], LeafPool]:
    pool = pool or LeafPool()
    out = []
    for r in rules:
        tree_src = r.match.get(lang)  # type: ignore[call-overload]
        if tree_src is None:
            continue
        tree = compile_node(tree_src, pool, r.id, "match." + lang)
        unless = [
            compile_node(u, pool, r.id, f"unless.{lang}[{i}]") for i, u in enumerate(r.unless.get(lang, []))  # type: ignore[call-overload]
        ]
        trig = necessary(tree) or positive_leaves(tree)
        if not trig:
            raise PatternError(f"rule {r.id}: the {lang} pattern can only match through `not`; give it a positive part")
        out.append(CompiledRule(r, lang, tree, unless, trig))
    return out, pool


# ---------------------------------------------------------------------------- running


@dataclass(frozen=True)
class LeafHit:
    start: int
    end: int
    groups: tuple[tuple[str, str], ...] = ()


@dataclass
class SpanHit:
    start: int
    end: int
    path: str
    groups: tuple[tuple[str, str], ...] = ()


@dataclass
class RuleHit:
    rule: Rule
    lang: str
    unit_start: int
    unit_end: int
    spans: list[SpanHit]

    def captures(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for s in self.spans:
            for k, v in s.groups:
                out.setdefault(k, v)
        return out


class Units:
    """Sorted, non-overlapping character ranges (sentences, clauses or the whole text)."""

    def __init__(self, ranges: Sequence[tuple[int, int]]):
        self.ranges = list(ranges)
        self.starts = [r[0] for r in self.ranges]

    def index_of(self, start: int, end: int) -> int | None:
        i = bisect.bisect_right(self.starts, start) - 1
        if i < 0:
            return None
        s, e = self.ranges[i]
        return i if start >= s and end <= e else None

    def __len__(self) -> int:
        return len(self.ranges)


def _record(found: list[LeafHit], m: Any, t0: float, timeout: float) -> int:
    """Keep one match (with its named groups); return where the next search starts."""
    s, e = m.span()
    gd = m.groupdict()
    groups = tuple((k, v) for k, v in gd.items() if v is not None) if gd else ()
    found.append(LeafHit(s, e, groups))
    if time.perf_counter() - t0 > timeout:
        raise TimeoutError("regex timed out")
    return e if e > s else e + 1


def _search_leaf(compiled: Any, text: str, timeout: float, t0: float, start: int = 0,
                 end: int | None = None) -> list[LeafHit]:
    """All matches of one pattern in text[start:end], none crossing a line."""
    found: list[LeafHit] = []
    search = compiled.search
    n = len(text) if end is None else end
    pos = start
    while pos <= n:
        m = search(text, pos, n, timeout=timeout)
        if m is None:
            break
        s, e = m.span()
        if "\n" in text[s:e]:
            # No match may cross a line (units never do): a crossing match would hide a real
            # one below it. Search again inside the line where it starts; no earlier start can
            # match, so nothing is lost.
            line_end = text.find("\n", s)
            m = search(text, s, min(line_end, n), timeout=timeout)
            if m is None:
                pos = line_end + 1
                continue
            s, e = m.span()
        pos = _record(found, m, t0, timeout)
    return found


def _prefiltered_hits(compiled: Any, text: str, starts: list[int], timeout: float,
                      t0: float, start: int = 0, end: int | None = None,
                      reach: int | None = 0) -> list[LeafHit]:
    """The hits of ``_search_leaf(compiled, text, start, end)``, trying the pattern only at ``starts``.

    ``starts`` (sorted) must contain every position where a match can begin
    (tosaudit.prefilter); the loop then mirrors the search loop, including its rule for
    matches that cross a line.
    """
    found: list[LeafHit] = []
    match = compiled.match
    n = len(text) if end is None else end
    pos = start
    i = bisect.bisect_left(starts, start) if start else 0
    k = bisect.bisect_left(starts, n) if end is not None else len(starts)
    while i < k:
        p = starts[i]
        i += 1
        if p < pos:
            continue
        # The attempt ends a little after the line: the regex module looks for a pattern's
        # required literal up to endpos even in `match`, which over the whole rest of the text
        # costs more than the search this replaces. It still sees the newline and as much text
        # beyond as the pattern's lookaheads can look at (``reach``), so it succeeds exactly
        # where the search would.
        line_end = text.find("\n", p, n)
        if line_end < 0:
            line_end = n
        m = match(text, p, n if reach is None else min(n, line_end + 1 + reach), timeout=timeout)
        if m is None:
            continue
        s, e = m.span()
        if e > line_end:
            # as in _search_leaf: the leftmost match that stays inside the line from s on
            m = match(text, s, line_end, timeout=timeout)
            while m is None and i < k and starts[i] < line_end:
                m = match(text, starts[i], line_end, timeout=timeout)
                i += 1
            if m is None:
                pos = line_end + 1
                continue
            s, e = m.span()
        pos = _record(found, m, t0, timeout)
    return found


def _term_hits(leaf: Leaf, text: str, index: WordIndex, timeout: float, t0: float,
               ranges: list[tuple[int, int]] | None = None) -> list[LeafHit]:
    """Matches of a `terms` leaf: each term verified only where its first word occurs.

    With ``ranges`` (sorted, disjoint), only matches that start inside one of them.
    """
    best: dict[int, int] = {}  # start -> longest end
    n = len(text)
    r_starts = [r[0] for r in ranges] if ranges is not None else None
    for g in leaf.groups or ():
        hits: list[tuple[int, int]] = []
        if g.mode == "scan":
            for c in g.members:
                hits.extend((h.start, h.end) for h in _search_leaf(c, text, timeout, t0))
        else:
            any_match = g.combined.match
            for p in index.candidates(g.mode, g.key):
                if r_starts is not None:
                    ri = bisect.bisect_right(r_starts, p) - 1
                    if ri < 0 or p >= ranges[ri][1]:  # type: ignore[index]
                        continue
                # endpos one past the line: a term never spans lines, and the regex module
                # would otherwise look for the term's literal over the whole rest of the text
                le = text.find("\n", p)
                end = n if le < 0 else le + 1
                if any_match(text, p, end, timeout=timeout) is None:
                    continue
                for c in g.members:
                    m = c.match(text, p, end, timeout=timeout)
                    if m is not None and "\n" not in text[m.start() : m.end()]:
                        hits.append(m.span())
        for s, e in hits:
            if e > best.get(s, -1):
                best[s] = e
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("regex timed out")
    return [LeafHit(s, best[s]) for s in sorted(best)]


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def run_leaves(
    text: str,
    leaves: Iterable[Leaf],
    timeout: float = DEFAULT_TIMEOUT,
    ranges: dict[int, list[tuple[int, int]]] | None = None,
    index: WordIndex | None = None,
) -> tuple[dict[int, list[LeafHit]], dict[int, str]]:
    """Search each leaf once over ``text``. Returns hits by leaf id and timed-out leaves.

    ``regex`` leaves run over the whole text, or only over ``ranges[leaf.id]`` when given;
    ``terms`` leaves look their first word up in a word index of the text (``index``, built
    here when not given) and verify the term there, which is what makes a catalogue of many
    long word lists cheap (the regex engine cannot skip ahead on an alternation of lookbehinds).
    """
    hits: dict[int, list[LeafHit]] = {}
    failed: dict[int, str] = {}
    if index is None:
        index = WordIndex(text)
    for leaf in leaves:
        if leaf.id in hits or leaf.id in failed:
            continue
        t0 = time.perf_counter()
        ranged = ranges is not None and leaf.id in ranges
        try:
            if leaf.lookups is not None:
                rng = _merge(ranges[leaf.id]) if ranged else None  # type: ignore[index]
                hits[leaf.id] = _term_hits(leaf, text, index, timeout, t0, rng)
                continue
            merged = _merge(ranges[leaf.id]) if ranged else [(0, len(text))]  # type: ignore[index]
            pf = leaf.prefilter
            starts = index.starts(pf, len(text) // PREFILTER_DENSITY) if pf is not None else None
            # only worth it when the candidates are few against the text to search
            if starts is not None and len(starts) * PREFILTER_DENSITY > 4 * sum(e - s for s, e in merged):
                starts = None
            found: list[LeafHit] = []
            for rs, re_ in merged:
                if starts is not None:
                    found.extend(_prefiltered_hits(leaf.compiled, text, starts, timeout, t0, rs, re_,
                                                   pf.reach))  # type: ignore[union-attr]
                else:
                    found.extend(_search_leaf(leaf.compiled, text, timeout, t0, rs, re_))
            hits[leaf.id] = found
        except TimeoutError:
            failed[leaf.id] = f"pattern stopped after {timeout:g} s (it backtracks too much): {leaf.pattern[:80]}"
    return hits, failed


class Matcher:
    """Runs compiled rules of one language over a text split into units."""

    def __init__(self, rules: Sequence[Rule], lang: str, timeout: float = DEFAULT_TIMEOUT):
        self.lang = lang
        self.timeout = timeout
        self.compiled, self.pool = compile_rules(rules, lang)

    def run(
        self,
        text: str,
        sentences: Sequence[tuple[int, int]],
        clauses: Sequence[tuple[int, int]],
    ) -> tuple[list[RuleHit], list[Problem]]:
        leaves = list(self.pool.by_pattern.values())
        unit_sets = {
            "sentence": Units(sentences),
            "clause": Units(clauses),
            "document": Units([(0, len(text))]),
        }
        # leaf hits per scope: scope -> leaf id -> unit index -> hits
        cache: dict[str, dict[int, dict[int, list[LeafHit]]]] = {k: {} for k in unit_sets}
        hits: dict[int, list[LeafHit]] = {}

        def by_unit(scope: str, leaf: Leaf) -> dict[int, list[LeafHit]]:
            m = cache[scope].get(leaf.id)
            if m is None:
                m = {}
                units = unit_sets[scope]
                for h in hits.get(leaf.id, ()):
                    i = units.index_of(h.start, h.end)
                    if i is not None:
                        m.setdefault(i, []).append(h)
                cache[scope][leaf.id] = m
            return m

        # Phase 1: the rules' necessary leaves over the whole text -> candidate units per rule.
        trig = {leaf.id: leaf for cr in self.compiled for leaf in cr.trigger}
        index = WordIndex(text)
        hits, failed = run_leaves(text, trig.values(), self.timeout, index=index)
        cands: list[list[int]] = []
        need: dict[int, list[tuple[int, int]]] = {}
        for cr in self.compiled:
            scope = cr.rule.scope
            cand: set[int] = set()
            for leaf in cr.trigger:
                if leaf.id not in failed:
                    cand.update(by_unit(scope, leaf).keys())
            cands.append(sorted(cand))
            rest = [leaf for leaf in cr.leaves if leaf.id not in trig]
            if not cand or not rest:
                continue
            rngs = [unit_sets[scope].ranges[ui] for ui in cand]
            if cr.unless:
                uscope = cr.rule.unless_scope or ("clause" if scope == "clause" else scope)
                uu = unit_sets[uscope]
                for us, _ in list(rngs):
                    i = bisect.bisect_right(uu.starts, us) - 1
                    if i >= 0:
                        rngs.append(uu.ranges[i])
            for leaf in rest:
                need.setdefault(leaf.id, []).extend(rngs)
        # Phase 2: every other leaf only inside the units that can still match.
        more, failed2 = run_leaves(text, [leaves[i] for i in need], self.timeout, need, index=index)
        hits.update(more)
        failed.update(failed2)

        problems: list[Problem] = []
        for lid, msg in failed.items():
            leaf = leaves[lid]
            for rid in sorted(leaf.rule_ids):
                problems.append(Problem(kind="rule-timeout", rule_id=rid, severity="error",
                                        message=f"rule {rid} was skipped: {msg}"))
        dead_rules = {rid for lid in failed for rid in leaves[lid].rule_ids}

        out: list[RuleHit] = []
        for cr, cand_units in zip(self.compiled, cands):
            if cr.rule.id in dead_rules:
                continue
            scope = cr.rule.scope
            units = unit_sets[scope]
            uscope = cr.rule.unless_scope or ("clause" if scope == "clause" else scope)
            for ui in cand_units:
                us, ue = units.ranges[ui]
                spans = self._eval(cr.tree, scope, ui, text, by_unit)
                if spans is None:
                    continue
                if cr.unless and self._excepted(cr, uscope, us, ue, text, unit_sets, by_unit):
                    continue
                out.append(RuleHit(cr.rule, self.lang, us, ue, sorted(spans, key=lambda s: s.start)))
        return out, problems

    def _excepted(self, cr, uscope, us, ue, text, unit_sets, by_unit) -> bool:
        units = unit_sets[uscope]
        # the unless-unit that contains this match unit (a sentence lies inside one clause)
        i = bisect.bisect_right(units.starts, us) - 1
        if i < 0:
            return False
        s, e = units.ranges[i]
        if not (s <= us and ue <= e):
            return False
        return any(self._eval(u, uscope, i, text, by_unit) is not None for u in cr.unless)

    def _eval(self, node: CNode, scope: str, ui: int, text: str, by_unit) -> list[SpanHit] | None:
        k = node.kind
        if k == "leaf":
            hs = by_unit(scope, node.leaf).get(ui)
            if not hs:
                return None
            return [SpanHit(h.start, h.end, node.path, h.groups) for h in hs]
        if k == "all":
            acc: list[SpanHit] = []
            for c in node.children:
                r = self._eval(c, scope, ui, text, by_unit)
                if r is None:
                    return None
                acc.extend(r)
            return acc
        if k == "any":
            acc = []
            ok = False
            for c in node.children:
                r = self._eval(c, scope, ui, text, by_unit)
                if r is not None:
                    ok = True
                    acc.extend(r)
            return acc if ok else None
        if k == "not":
            return [] if self._eval(node.children[0], scope, ui, text, by_unit) is None else None
        if k == "near":
            lists = []
            for c in node.children:
                r = self._eval(c, scope, ui, text, by_unit)
                if not r:  # a `not` inside near has no position; treat empty as no match
                    return None
                lists.append(r)
            return _near(lists, node.within, node.ordered, text)
        raise AssertionError(k)  # pragma: no cover


def _words_between(text: str, a: SpanHit, b: SpanHit) -> int:
    """Number of words strictly between two spans (0 if they touch or overlap)."""
    if a.end <= b.start:
        lo, hi = a.end, b.start
    elif b.end <= a.start:
        lo, hi = b.end, a.start
    else:
        return 0
    if hi - lo > 4000:
        return 10**6
    return len(_WORD.findall(text, lo, hi))


def _near(lists: list[list[SpanHit]], within: int, ordered: bool, text: str) -> list[SpanHit] | None:
    """Find one hit per item so that each neighbouring pair is at most ``within`` words apart.

    Exhaustive, not greedy: the nearest hit of the next item is not always the one the item
    after it can reach (e.g. "may change ... the terms" with the verb before the subject and the
    object after it). Forward pass: which hits of item *i* end some valid chain of items 0..i,
    and through which predecessor; then walk back from any reachable hit of the last item.
    Cost is the sum of |items i| x |items i+1| distance checks; the lists are short.
    """
    # back[i][j]: index in lists[i-1] of a predecessor of lists[i][j], or -1 if unreachable
    reach = list(range(len(lists[0])))
    back: list[list[int]] = [[-2] * len(lists[0])]
    for i in range(1, len(lists)):
        prev, cur = lists[i - 1], lists[i]
        row = [-1] * len(cur)
        for j, h in enumerate(cur):
            best_d = None
            for k in reach:
                p = prev[k]
                if ordered and h.start < p.end:
                    continue
                d = _words_between(text, p, h)
                if d <= within and (best_d is None or d < best_d):
                    row[j], best_d = k, d
        reach = [j for j, k in enumerate(row) if k >= 0]
        if not reach:
            return None
        back.append(row)
    j = reach[0]
    chain = [lists[-1][j]]
    for i in range(len(lists) - 1, 0, -1):
        j = back[i][j]
        chain.append(lists[i - 1][j])
    chain.reverse()
    return chain


def parse_number(s: str) -> float | None:
    """Numbers as people write them: "99,9", "99.9", "1.000", "drei", "twelve", "24"."""
    t = s.strip().lower().replace("\u00a0", " ")
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    t = t.replace(" ", "")
    m = regex.fullmatch(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?", t)  # German thousands: 1.000,5
    if m:
        return float(m.group(1).replace(".", "") + ("." + m.group(2) if m.group(2) else ""))
    m = regex.fullmatch(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?", t)  # English thousands: 1,000.5
    if m and len(m.group(1).split(",")[-1]) == 3 and "." in t:
        return float(m.group(1).replace(",", "") + "." + m.group(2))
    t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


NUMBER_WORDS = {
    "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
    "vierzehn": 14, "achtzehn": 18, "zwanzig": 20, "dreißig": 30, "sechzig": 60, "neunzig": 90,
    "vierundzwanzig": 24, "sechsunddreißig": 36, "achtundvierzig": 48,
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "eighteen": 18,
    "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90, "twenty-four": 24, "thirty-six": 36,
}
