"""Orchestration: document -> clauses -> rule hits -> findings (clause risks and contradictions).

Pure functions of their inputs plus the catalogue; the CLI, the Streamlit page, batch runs and
the evaluation all go through :func:`audit_document`.
"""

from __future__ import annotations

import bisect
import hashlib
from typing import Any, Iterable, Mapping, Sequence

import regex

from tosaudit import __version__
from tosaudit.catalogue import Catalogue, load_catalogue
from tosaudit.catalogue.schema import SECTOR_ALL, Rule
from tosaudit.conflicts import find_conflicts
from tosaudit.features import describe, evaluate, evidence, fmt_value
from tosaudit.lang import detect_language
from tosaudit.match import DEFAULT_TIMEOUT, Matcher, RuleHit, parse_number
from tosaudit.models import (
    SEVERITY_ORDER,
    CatalogueInfo,
    Clause,
    ClauseRef,
    Document,
    Finding,
    Problem,
    Profile,
    Report,
    SectorInfo,
    Span,
)
from tosaudit.segment import segment
from tosaudit.units import unit_name

QUOTE_MAX = 700
_PLACEHOLDER = regex.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
_WS = regex.compile(r"\s+")


def get_matcher(catalogue: Catalogue, rules: Sequence[Rule], lang: str, timeout: float) -> Matcher:
    key = (tuple(r.id for r in rules), lang, timeout)
    m = catalogue.matchers.get(key)
    if m is None:
        m = Matcher(rules, lang, timeout=timeout)
        if len(catalogue.matchers) > 512:
            catalogue.matchers.clear()
        catalogue.matchers[key] = m
    return m


_DOUBLE_LABEL = regex.compile(
    r"\b(?:Clause|clause|Klausel|Ziffer|Section|section)\s+(?=(?:Section|Sec\.|Clause|Article|Art\.|Artikel|Ziffer|Ziff\.|Abschnitt)\s)"
)


def fill(template: str, ctx: Mapping[str, Any]) -> str:
    """Replace ``{name}`` placeholders; unknown names stay as they are (the lint reports them).

    A clause reference that carries its own label ("Section 9.1", "Ziffer 7") is not labelled
    twice: "Clause {clause}" becomes "Section 9.1", not "Clause Section 9.1".
    """
    out = _PLACEHOLDER.sub(lambda m: str(ctx[m.group(1)]) if m.group(1) in ctx else m.group(0), template)
    return _DOUBLE_LABEL.sub("", out)


def fingerprint(rule_id: str, quote: str) -> str:
    """Rule + normalised quote: stable across re-numbering, page breaks and spacing."""
    norm = _WS.sub(" ", regex.sub(r"[^\w\s]", " ", quote.lower())).strip()
    return hashlib.sha1(f"{rule_id}|{norm}".encode()).hexdigest()[:16]


def parse_captures(raw: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in raw.items():
        n = parse_number(v)
        out[k] = n if n is not None else v.strip()
    return out


def unit_pairs(rule: Rule, catalogue: Catalogue) -> dict[str, str]:
    """{unit group: number group} of the rule: the captures read with a unit in its
    ``contradicts.when`` and in the clause-against-clause conflicts that use the rule."""
    out: dict[str, str] = {}
    if rule.contradicts is not None:
        for _, ref in rule.contradicts.when.capture_refs():
            if ref.unit is not None:
                out.setdefault(ref.unit, ref.capture)
    for d in catalogue.conflicts:
        if d.differ is not None and d.differ.unit and ({rule.id, *rule.aliases} & {*d.first, *d.second}):
            out.setdefault(d.differ.unit, d.differ.capture)
    return out


def clause_ref(c: Clause, doc: Document) -> ClauseRef:
    return ClauseRef(
        index=c.index,
        number=c.number,
        ref=c.ref or c.number,
        heading=c.heading_path[-1] if c.heading_path else None,
        page=c.page,
        start=c.start,
        end=c.end,
    )


def excerpt(text: str, ranges: Sequence[tuple[int, int]], limit: int = QUOTE_MAX) -> str:
    """The text of the units that fired, joined with " … ", cut around the first one if long."""
    parts = []
    for s, e in ranges:
        t = _WS.sub(" ", text[s:e]).strip()
        if t and t not in parts:
            parts.append(t)
    q = " … ".join(parts)
    if len(q) > limit:
        q = q[: limit - 1].rsplit(" ", 1)[0] + " …"
    return q


class ClauseIndex:
    """Finds the clause holding a character offset (bisect over clause starts)."""

    def __init__(self, clauses: Sequence[Clause]):
        self.clauses = list(clauses)
        self.starts = [c.start for c in self.clauses]

    def at(self, offset: int) -> Clause | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return None
        c = self.clauses[i]
        return c if offset < max(c.end, c.start + 1) else None


def build_findings(
    doc: Document,
    clauses: Sequence[Clause],
    hits: Iterable[RuleHit],
    catalogue: Catalogue,
    profile: Profile | None,
    report_lang: str,
) -> list[Finding]:
    idx = ClauseIndex(clauses)
    groups: dict[tuple[str, int], list[RuleHit]] = {}
    order: list[tuple[str, int]] = []
    for h in hits:
        c = idx.at(h.spans[0].start if h.spans else h.unit_start)
        if c is None:
            continue
        key = (h.rule.id, c.index)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(h)

    vocab = catalogue.features
    out: list[Finding] = []
    unit_groups: dict[str, dict[str, str]] = {}
    for key in order:
        group = groups[key]
        rule = group[0].rule
        clause = idx.clauses[key[1]]  # segment() numbers clauses by position
        spans = [s for h in group for s in h.spans]
        if rule.scope == "sentence":
            ranges = [(h.unit_start, h.unit_end) for h in group]
        else:  # clause or document scope: quote the sentences that hold the spans
            ranges = []
            for s in spans:
                for snt in clause.sentences:
                    if snt.start <= s.start < snt.end and (snt.start, snt.end) not in ranges:
                        ranges.append((snt.start, snt.end))
            ranges = sorted(ranges) or [(clause.start, clause.end)]
        quote = excerpt(doc.text, ranges)
        raw_caps: dict[str, str] = {}
        for h in group:
            for k, v in h.captures().items():
                raw_caps.setdefault(k, v)
        caps = parse_captures(raw_caps)

        ref = clause.ref or clause.number
        ctx: dict[str, Any] = {
            "clause": ref or ("ohne Nummer" if report_lang == "de" else "unnumbered"),
            "page": clause.page if clause.page is not None else "–",
        }
        ctx.update({k: fmt_value(v, report_lang) for k, v in caps.items()})
        # the unit word of a number read with its unit, in the report's language, singular or
        # plural for the number: "{n} {unit}" reads "3 Monate" / "3 months" whatever the clause wrote
        if rule.id not in unit_groups:
            unit_groups[rule.id] = unit_pairs(rule, catalogue)
        for unit_group, number_group in unit_groups[rule.id].items():
            if isinstance(caps.get(unit_group), str):
                name = unit_name(caps[unit_group], caps.get(number_group), report_lang)
                if name is not None:
                    ctx[unit_group] = name
        if profile:
            ctx.update({k: fmt_value(fv.value, report_lang) for k, fv in profile.features.items()})

        kind = "clause"
        severity = rule.severity
        message = fill(rule.message.get(report_lang), ctx)
        ask = fill(rule.ask.get(report_lang), ctx)
        feats, unknown = [], []
        if rule.contradicts is not None:
            con = rule.contradicts
            verdict = evaluate(con.when, profile, caps)
            keys = con.when.features()
            cond_text = describe(con.when, vocab, report_lang, caps)
            if verdict is True:
                kind = "contradiction"
                severity = con.severity if SEVERITY_ORDER[con.severity] > SEVERITY_ORDER[severity] else severity
                message = fill(con.message.get(report_lang), ctx)
                if con.ask is not None:
                    ask = fill(con.ask.get(report_lang), ctx)
                feats = evidence([k for k in keys if profile and profile.value(k) is not None], profile, vocab,
                                 report_lang, cond_text)
            elif verdict is None:
                unknown = evidence([k for k in keys if not profile or profile.value(k) is None], profile, vocab,
                                   report_lang, cond_text)
                feats = evidence([k for k in keys if profile and profile.value(k) is not None], profile, vocab,
                                 report_lang, cond_text)
                # the rule's own question is the one that decides it (contradicts.ask presumes the answer)
            else:
                if con.only_if_contradiction:
                    continue
                feats = evidence(keys, profile, vocab, report_lang, cond_text)

        out.append(
            Finding(
                rule_id=rule.id,
                title=rule.title.get(report_lang),
                category=rule.category,
                claudette=list(rule.claudette),
                kind=kind,  # type: ignore[arg-type]
                severity=severity,
                confidence=rule.confidence,
                message=message,
                why=fill(rule.why.get(report_lang), ctx),
                ask=ask,
                legal_basis=catalogue.legal_refs(rule, report_lang),
                decisions=catalogue.decision_refs(rule, report_lang),
                clause=clause_ref(clause, doc),
                quote=quote,
                spans=[Span(start=s.start, end=s.end, text=doc.text[s.start:s.end], node=s.path) for s in spans],
                features=feats,
                unknown_features=unknown,
                captures=caps,
                fingerprint=fingerprint(rule.id, quote),
            )
        )
    return out


def effective_sector(catalogue: Catalogue, sector: str | None, profile: Profile | None) -> str | None:
    """The sector the rules are chosen for: ``sector`` (e.g. ``--sector``) over the profile's.

    None = not stated and ``all`` = every rule; an id not in rules/sectors.yaml raises SectorError."""
    if sector is not None and sector.strip():
        return catalogue.check_sector(sector, "--sector")
    if profile is not None and profile.sector:
        return catalogue.check_sector(profile.sector, "profile: sector")
    return None


def skipped_conflicts(catalogue: Catalogue, before: Sequence[Rule], after: Sequence[Rule]) -> list[str]:
    """Conflict checks that could run with the rules ``before`` but not with those ``after``
    (one of their sides has no rule left)."""

    def names(rules: Sequence[Rule]) -> set[str]:
        return {n for r in rules for n in (r.id, *r.aliases)}

    had, has = names(before), names(after)
    return [d.id for d in catalogue.conflicts
            if all(set(side) & had for side in (d.first, d.second))
            and not all(set(side) & has for side in (d.first, d.second))]


def sector_info(catalogue: Catalogue, sector: str | None, before: Sequence[Rule], kept: Sequence[Rule],
                skipped: Sequence[Rule], report_lang: str) -> SectorInfo | None:
    """What the report says about the sector (None when no sector was stated)."""
    if sector is None or sector == SECTOR_ALL:
        return None
    return SectorInfo(
        id=sector,
        label=catalogue.sectors[sector].label.get(report_lang),
        skipped_rules=sorted(r.id for r in skipped),
        skipped_count=len(skipped),
        skipped_conflicts=skipped_conflicts(catalogue, before, kept) if skipped else [],
    )


def audit_document(
    doc: Document,
    catalogue: Catalogue | None = None,
    profile: Profile | None = None,
    *,
    lang: str | None = None,
    report_lang: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    min_severity: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    clauses: Sequence[Clause] | None = None,
    sector: str | None = None,
) -> Report:
    """Audit one ingested document. ``lang`` forces the contract language (else detected).

    ``sector`` (an id of rules/sectors.yaml, or ``all``) overrides the profile's sector. With a
    sector, rules written only for other sectors are not run; the report lists them."""
    catalogue = catalogue or load_catalogue()
    sector_id = effective_sector(catalogue, sector, profile)
    problems: list[Problem] = list(doc.problems)
    if lang is None:
        lang, conf = detect_language(doc.text)
        if conf < 0.6 and doc.text.strip():
            problems.append(Problem(kind="language", severity="warning",
                                    message=f"language detection unsure ({lang}, confidence {conf:.2f}); "
                                            f"use --lang de|en to set it"))
    doc = doc.model_copy(update={"lang": lang})
    report_lang = report_lang or lang
    if clauses is None:
        clauses = segment(doc)
    selected = catalogue.select(select, ignore, lang=lang)
    rules, skipped = catalogue.split_by_sector(selected, sector_id)
    matcher = get_matcher(catalogue, rules, lang, timeout)
    sentences = [(s.start, s.end) for c in clauses for s in c.sentences]
    hits, match_problems = matcher.run(doc.text, sentences, [(c.start, c.end) for c in clauses])
    problems.extend(match_problems)
    findings = build_findings(doc, clauses, hits, catalogue, profile, report_lang)
    findings.extend(find_conflicts(doc, clauses, hits, catalogue, profile, report_lang))
    if min_severity:
        findings = [f for f in findings if SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[min_severity]]
    return Report(
        version=__version__,
        catalogue=CatalogueInfo(version=catalogue.version, rules=len(catalogue.rules), selected=len(rules)),
        source=doc.source,
        language=lang,  # type: ignore[arg-type]
        report_language=report_lang,  # type: ignore[arg-type]
        pages=doc.source.pages,
        clauses=len(clauses),
        profile=profile,
        sector=sector_info(catalogue, sector_id, selected, rules, skipped, report_lang),
        findings=findings,
        problems=problems,
    )
