"""Clause against clause: two clauses of one contract that contradict each other.

The definitions are data (``rules/conflicts.yaml``, loaded into ``Catalogue.conflicts``). Each
pairs rules by id: a hit of a ``first`` rule and a hit of a ``second`` rule in two *different*
clauses form a conflict - either always (a promise and its negation: "we warn before we
suspend" vs. "we may suspend without notice"), or, with ``differ``, when a captured value
differs (two different notice periods: "drei Monate" in § 4, "30 Tage" in § 11).

A conflict is reported once per pair of clauses, kind ``conflict``, with both clauses and both
quotes. Its legal basis is usually § 305c Abs. 2 BGB (an ambiguity goes against the drafter:
the reading more favourable to the customer applies) and § 307 Abs. 1 S. 2 BGB (transparency).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import regex

from tosaudit.catalogue import Catalogue
from tosaudit.catalogue.schema import ConflictDef
from tosaudit.match import RuleHit, parse_number
from tosaudit.models import Clause, Document, Finding, LegalRef, Profile, Span
from tosaudit.units import convert

MAX_PER_CONFLICT = 3
_WS = regex.compile(r"\s+")


def duration_days(number: Any, unit: str | None) -> float | None:
    """("drei", "Monate") -> 90.0; ("14", "Tage") -> 14.0; None when it cannot be read.

    The nominal value of :func:`tosaudit.units.convert` (a month is 30 days, a year 365)."""
    a = convert(number, unit, "days")
    return a.value if a is not None else None


@dataclass
class _Item:
    rule_id: str
    clause: Clause
    start: int
    end: int
    spans: list[Any]
    caps: dict[str, str]
    value: float | None = None
    shown: str = ""


def _items(hits: Iterable[RuleHit], ids: set[str], clauses: Sequence[Clause], cat: Catalogue) -> list[_Item]:
    from tosaudit.audit import ClauseIndex

    index = ClauseIndex(clauses)
    out = []
    for h in hits:
        rid = h.rule.id
        if rid not in ids and not (set(h.rule.aliases) & ids):
            continue
        c = index.at(h.spans[0].start if h.spans else h.unit_start)
        if c is None:
            continue
        out.append(_Item(rid, c, h.unit_start, h.unit_end, list(h.spans), h.captures()))
    return out


def _value(item: _Item, d: ConflictDef) -> tuple[float | None, str]:
    assert d.differ is not None
    raw = item.caps.get(d.differ.capture)
    if raw is None:
        return None, ""
    if d.differ.measure == "duration":
        unit = item.caps.get(d.differ.unit or "", "")
        v = duration_days(raw, unit)
        return v, f"{raw.strip()} {unit.strip()}".strip()
    n = parse_number(raw)
    return n, raw.strip()


def _legal(cat: Catalogue, d: ConflictDef, lang: str) -> tuple[list[LegalRef], list[LegalRef]]:
    norms = [LegalRef(id=n.id, citation=n.citation, summary=n.summary.get(lang), url=n.url)
             for nid in d.legal_basis if (n := cat.norms.get(nid)) is not None]
    decs = [LegalRef(id=x.id, citation=x.citation, summary=x.summary.get(lang), url=x.url)
            for did in d.decisions if (x := cat.decisions.get(did)) is not None]
    return norms, decs


def _fill(template: str, ctx: dict[str, Any]) -> str:
    return regex.sub(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}",
                     lambda m: str(ctx[m.group(1)]) if m.group(1) in ctx else m.group(0), template)


def _ref(c: Clause, lang: str) -> str:
    return c.ref or c.number or ("ohne Nummer" if lang == "de" else "unnumbered")


def _pairs(d: ConflictDef, firsts: list[_Item], seconds: list[_Item]) -> list[tuple[_Item, _Item]]:
    out: list[tuple[_Item, _Item]] = []
    seen: set[tuple[int, int]] = set()
    if d.differ is not None:
        same_sides = set(d.first) == set(d.second)
        pool = firsts if same_sides else firsts + seconds
        for it in pool:
            it.value, it.shown = _value(it, d)
        # the first occurrence of each distinct value
        firsts_by_value: list[_Item] = []
        for it in sorted(pool, key=lambda i: i.start):
            if it.value is None:
                continue
            if all(abs(it.value - o.value) > 0.5 for o in firsts_by_value):  # type: ignore[operator]
                firsts_by_value.append(it)
        for i, a in enumerate(firsts_by_value):
            for b in firsts_by_value[i + 1:]:
                if a.clause.index == b.clause.index:
                    continue
                if not same_sides and not ({a.rule_id, b.rule_id} & set(d.first) and {a.rule_id, b.rule_id} & set(d.second)):
                    continue
                key = (a.clause.index, b.clause.index)
                if key not in seen:
                    seen.add(key)
                    out.append((a, b))
        return out
    for a in sorted(firsts, key=lambda i: i.start):
        for b in sorted(seconds, key=lambda i: i.start):
            if a.clause.index == b.clause.index:
                continue
            x, y = (a, b) if a.start <= b.start else (b, a)
            key = (x.clause.index, y.clause.index)
            if key not in seen:
                seen.add(key)
                out.append((a, b))
    return out


def find_conflicts(
    doc: Document,
    clauses: Sequence[Clause],
    hits: Iterable[RuleHit],
    catalogue: Catalogue,
    profile: Profile | None,
    report_lang: str,
) -> list[Finding]:
    """Clause-against-clause findings for the rule hits of one audit."""
    from tosaudit.audit import clause_ref, excerpt

    defs: list[ConflictDef] = list(getattr(catalogue, "conflicts", []) or [])
    if not defs:
        return []
    hits = list(hits)
    clauses = sorted(clauses, key=lambda c: c.start)
    out: list[Finding] = []
    for d in defs:
        firsts = _items(hits, set(d.first), clauses, catalogue)
        seconds = firsts if set(d.first) == set(d.second) else _items(hits, set(d.second), clauses, catalogue)
        if not firsts or not seconds:
            continue
        pairs = _pairs(d, firsts, seconds)
        # report the earlier clause first
        pairs = [(a, b) if a.start <= b.start else (b, a) for a, b in pairs][:MAX_PER_CONFLICT]
        norms, decs = _legal(catalogue, d, report_lang)
        for a, b in pairs:
            qa = excerpt(doc.text, [(a.start, a.end)])
            qb = excerpt(doc.text, [(b.start, b.end)])
            if d.differ is not None:
                va, vb = a.shown, b.shown
            else:
                va = vb = ""
            ctx = {"clause": _ref(a.clause, report_lang), "other_clause": _ref(b.clause, report_lang),
                   "first_value": va, "second_value": vb}
            spans = [Span(start=s.start, end=s.end, text=doc.text[s.start:s.end], node=f"{a.rule_id}:{s.path}")
                     for s in a.spans]
            spans += [Span(start=s.start, end=s.end, text=doc.text[s.start:s.end], node=f"{b.rule_id}:{s.path}")
                      for s in b.spans]
            caps: dict[str, Any] = {"first_rule": a.rule_id, "second_rule": b.rule_id}
            if d.differ is not None:
                caps.update({"first_value": va, "second_value": vb,
                             "first_days" if d.differ.measure == "duration" else "first_number": a.value,
                             "second_days" if d.differ.measure == "duration" else "second_number": b.value})
            out.append(Finding(
                rule_id=d.id,
                title=d.title.get(report_lang),
                category=d.category,
                kind="conflict",
                severity=d.severity,
                confidence=d.confidence,
                message=_fill(d.message.get(report_lang), ctx),
                why=_fill(d.why.get(report_lang), ctx),
                ask=_fill(d.ask.get(report_lang), ctx),
                legal_basis=norms,
                decisions=decs,
                clause=clause_ref(a.clause, doc),
                quote=qa,
                spans=spans,
                other_clause=clause_ref(b.clause, doc),
                other_quote=qb,
                captures=caps,
                fingerprint=conflict_fingerprint(d.id, qa, qb),
            ))
    return out


def conflict_fingerprint(conflict_id: str, quote_a: str, quote_b: str) -> str:
    norm = [_WS.sub(" ", regex.sub(r"[^\w\s]", " ", q.lower())).strip() for q in (quote_a, quote_b)]
    return hashlib.sha1(f"{conflict_id}|{norm[0]}|{norm[1]}".encode()).hexdigest()[:16]


def lint_conflicts(cat: Catalogue) -> list[str]:
    """Conflict definitions that name rules the catalogue does not have, or unknown norms."""
    out = []
    for d in cat.conflicts:
        for side in ("first", "second"):
            for rid in getattr(d, side):
                if rid not in cat.by_id:
                    out.append(f"rules/conflicts.yaml: {d.id}.{side}: unknown rule id {rid!r}")
        for nid in d.legal_basis:
            if nid not in cat.norms:
                out.append(f"rules/conflicts.yaml: {d.id}.legal_basis: unknown norm id {nid!r}")
        if d.differ is not None:
            for rid in d.first + d.second:
                r = cat.by_id.get(rid)
                if r is None:
                    continue
                from tosaudit.catalogue.lint import group_names

                for lang in r.langs:
                    names = group_names(r, lang)
                    for cap in [d.differ.capture] + ([d.differ.unit] if d.differ.unit else []):
                        if cap not in names:
                            out.append(f"rules/conflicts.yaml: {d.id}.differ: rule {rid} has no group {cap!r} in {lang}")
        if not any(ex.fail and ex.pass_ for ex in d.examples.values()):
            out.append(f"rules/conflicts.yaml: {d.id}.examples: needs at least one contract that must show the "
                       f"conflict (fail) and one that must not (pass)")
        for lang in d.examples:
            for rid in d.first + d.second:
                r = cat.by_id.get(rid)
                if r is not None and lang not in r.langs:
                    out.append(f"rules/conflicts.yaml: {d.id}.examples.{lang}: rule {rid} has no {lang} pattern")
    return out


def conflict_cases(cat: Catalogue):
    """(definition, lang, kind, index, example) for every example of every conflict definition."""
    for d in cat.conflicts:
        for lang, ex in sorted(d.examples.items()):
            for kind, items in (("fail", ex.fail), ("pass", ex.pass_)):
                for i, e in enumerate(items):
                    yield d, lang, kind, i, e


def run_conflict_example(d: ConflictDef, lang: str, kind: str, text: str, cat: Catalogue) -> tuple[bool, str]:
    """fail: the contract must show conflict ``d``; pass: it must not."""
    from tosaudit.audit import audit_document
    from tosaudit.catalogue.examples import example_document

    report = audit_document(example_document(text), cat, lang=lang)
    got = [f for f in report.findings if f.kind == "conflict" and f.rule_id == d.id]
    if kind == "fail" and not got:
        return False, "the conflict was not found"
    if kind == "pass" and got:
        return False, f"conflict found between {got[0].clause.ref} and {got[0].other_clause.ref if got[0].other_clause else '?'}"
    return True, "ok"
