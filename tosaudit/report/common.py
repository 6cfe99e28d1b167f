"""Structure and plain-text pieces shared by the renderers.

Everything here returns *unescaped* plain text (with control characters
removed); each renderer escapes for its own output format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tosaudit.models import (
    SEVERITY_ORDER,
    ClauseRef,
    FeatureEvidence,
    Finding,
    Problem,
    Report,
    SectorInfo,
    Span,
)

from .i18n import category, plural, t

SEVERITIES: tuple[str, ...] = ("high", "warning", "info")

# C0/C1 controls (ESC for ANSI injection, NUL, …) except tab and newline,
# plus bidi overrides/isolates that can visually reorder text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None) -> str:
    """Text from a contract or profile, safe to print: no control characters,
    CR/LF normalised to ``\\n``, tabs as spaces."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROL.sub("", text)


def one_line(text: str | None) -> str:
    """``clean`` and collapse all whitespace (for table cells and short labels)."""
    return " ".join(clean(text).split())


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Same order as ``Report``'s validator (also for ``model_construct``-ed reports)."""
    return sorted(findings, key=lambda f: (-SEVERITY_ORDER[f.severity], f.clause.start, f.rule_id))


@dataclass
class Sections:
    contradictions: list[Finding] = field(default_factory=list)
    conflicts: list[Finding] = field(default_factory=list)
    #: the remaining (kind == "clause") findings per severity, high first
    by_severity: dict[str, list[Finding]] = field(default_factory=dict)


def sections(report: Report) -> Sections:
    out = Sections(by_severity={s: [] for s in SEVERITIES})
    for f in sort_findings(report.findings):
        if f.kind == "contradiction":
            out.contradictions.append(f)
        elif f.kind == "conflict":
            out.conflicts.append(f)
        else:
            out.by_severity[f.severity].append(f)
    return out


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL without whitespace, else None
    (no ``javascript:``, ``data:`` or relative links from the catalogue or a document)."""
    u = one_line(url)
    return u if re.match(r"^https?://[^\s<>\"]+$", u, re.I) else None


# --------------------------------------------------------------------------- labels


def clause_name(ref: ClauseRef, lang: str) -> str:
    """``"§ 10 Abs. 4"``, ``"clause 10.4"``, ``"unnumbered clause under «…»"``."""
    label = one_line(ref.ref or ref.number)
    if label:
        if label[0].isdigit() or label[0] in "(":
            return f"{t(lang, 'clause')} {label}"
        return label
    if ref.heading:
        return t(lang, "unnumbered_in", heading=one_line(ref.heading))
    return t(lang, "unnumbered")


def page_text(page: int | None, lang: str) -> str:
    return f"{t(lang, 'page')} {page}" if page is not None else ""


def where(ref: ClauseRef, lang: str) -> str:
    """``"§ 10 Abs. 4, page 3"`` (without the page when the source has none)."""
    p = page_text(ref.page, lang)
    return f"{clause_name(ref, lang)}, {p}" if p else clause_name(ref, lang)


def where_parts(ref: ClauseRef, lang: str, *, capital: bool = False) -> tuple[str, str, str]:
    """(clause name, page text, heading suffix) — each renderer marks them up its own way."""
    name = clause_name(ref, lang)
    return (cap(name) if capital else name), page_text(ref.page, lang), heading_suffix(ref)


def heading_suffix(ref: ClauseRef) -> str:
    """The clause's heading when it adds something to the reference."""
    h = one_line(ref.heading)
    name = one_line(ref.ref or ref.number)
    if not h or h == name or (name and h.startswith(name) and len(h) <= len(name) + 1):
        return ""
    return h


def lang_name(code: str, lang: str) -> str:
    return t(lang, f"lang_{code}") if code in ("de", "en") else code


def severity_label(sev: str, lang: str) -> str:
    return t(lang, f"sev_{sev}")


def category_label(cat: str, lang: str) -> str:
    return one_line(category(lang, cat))


def confidence_label(conf: str, lang: str) -> str:
    return t(lang, f"conf_{conf}")


def fmt_value(value: object, lang: str) -> str:
    if value is None:
        return t(lang, "unknown")
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if isinstance(value, float):
        s = f"{value:g}" if value == value else "NaN"
        return s.replace(".", ",") if lang == "de" else s
    return one_line(str(value))


def origin_text(fe: FeatureEvidence, lang: str) -> str:
    """Where the feature value came from: ``"profile"``, ``"product page: «…»"``, ``"unknown"``."""
    src = one_line(fe.source)
    origin = fe.origin
    if origin == "product-page":
        base = t(lang, "origin_product_page")
        return f"{base}: «{src}»" if src else base
    if origin in ("profile", "form", "unknown"):
        base = t(lang, f"origin_{origin}")
    else:
        base = one_line(origin) or t(lang, "origin_unknown")
    return f"{base} ({src})" if src else base


def feature_line(fe: FeatureEvidence, lang: str) -> tuple[str, str, str, str]:
    """(label, value, origin, condition-or-empty) of a feature."""
    cond = t(lang, "rule_checks", condition=one_line(fe.condition)) if fe.condition else ""
    return one_line(fe.label) or fe.key, fmt_value(fe.value, lang), origin_text(fe, lang), cond


def plan_lines(features, lang: str) -> tuple[list[tuple[FeatureEvidence, str, str, str]], list[str]]:
    """((feature, label, value, origin) per feature, the distinct conditions checked).

    ``evidence()`` repeats the rule's condition on every feature; every renderer shows it once.
    """
    lines: list[tuple[FeatureEvidence, str, str, str]] = []
    conds: list[str] = []
    for fe in features:
        label, value, origin, cond = feature_line(fe, lang)
        lines.append((fe, label, value, origin))
        if cond and cond not in conds:
            conds.append(cond)
    return lines, conds


def plan_evidence(features: list[FeatureEvidence], lang: str) -> tuple[list[str], list[str]]:
    """(``"label: value — origin"`` per feature, the distinct conditions checked)."""
    lines, conds = plan_lines(features, lang)
    return [f"{label}: {value} — {origin}" for _, label, value, origin in lines], conds


def cap(s: str) -> str:
    """First letter upper-case (for a clause name that starts a sentence)."""
    return s[:1].upper() + s[1:] if s else s


def _labels(features: list[FeatureEvidence], lang: str) -> str:
    """«A», «B» and «C» (distinct labels)."""
    labels: list[str] = []
    for fe in features:
        lab = f"«{one_line(fe.label) or fe.key}»"
        if lab not in labels:
            labels.append(lab)
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {t(lang, 'and')} {labels[-1]}"


def unknown_question(features: list[FeatureEvidence], lang: str) -> str:
    """The generic question about features the profile does not state."""
    return t(lang, "unknown_feature_q", labels=_labels(features, lang))


def provider_question(f: Finding, lang: str) -> str:
    """The question to ask about ``f``: its ``ask``, else (for unknown plan
    features) a question about those features; may be empty."""
    ask = one_line(f.ask)
    if ask:
        return ask
    return unknown_question(f.unknown_features, lang) if f.unknown_features else ""


def open_question(f: Finding, lang: str) -> str:
    """``Open question: your plan's «A» is unknown — ask: …`` ('' without unknown features).

    This line takes the place of the plain "Ask the provider" line, so the
    question is shown once.
    """
    if not f.unknown_features:
        return ""
    labels = {one_line(fe.label) or fe.key for fe in f.unknown_features}
    key = "open_question_pl" if len(labels) > 1 else "open_question"
    return t(lang, key, labels=_labels(f.unknown_features, lang), question=provider_question(f, lang))


def problem_parts(p: Problem, lang: str) -> tuple[str, str]:
    """(where, what): ``("page 7", "no text layer — <message>")``."""
    loc = page_text(p.page, lang) or t(lang, "whole_document")
    kind = t(lang, f"problem_{p.kind}")
    msg = one_line(p.message)
    what = kind if not msg or msg.lower() == kind.lower() else f"{kind} — {msg}"
    if p.rule_id:
        what += f" ({t(lang, 'rule')} {one_line(p.rule_id)})"
    if p.severity == "error":
        what = f"{t(lang, 'problem_error')}: {what}"
    return loc, what


def summary_text(report: Report) -> str:
    lang = report.report_language
    c = report.counts()
    parts = [plural(lang, s, c[s]) for s in SEVERITIES]
    parts.append(plural(lang, "contradictions", c["contradictions"]))
    parts.append(plural(lang, "conflicts", c["conflicts"]))
    if report.problems:
        parts.append(plural(lang, "problems", len(report.problems)))
    return " · ".join(parts)


def sector_text(info: SectorInfo, lang: str) -> str:
    """``web hosting — 12 rules written only for other sectors were not run: a, b, …`` (one line)."""
    label = one_line(info.label) or one_line(info.id)
    if not info.skipped_rules:
        return t(lang, "sector_all_apply", label=label)
    key = "sector_skipped_1" if info.skipped_count == 1 else "sector_skipped"
    out = t(lang, key, label=label, n=info.skipped_count, ids=", ".join(one_line(r) for r in info.skipped_rules))
    if info.skipped_conflicts:
        key = "sector_conflicts_1" if len(info.skipped_conflicts) == 1 else "sector_conflicts"
        out += t(lang, key, n=len(info.skipped_conflicts), ids=", ".join(one_line(x) for x in info.skipped_conflicts))
    return out


def header_facts(report: Report) -> list[tuple[str, str]]:
    """(label, value) lines of the report header, plain text."""
    lang = report.report_language
    src = report.source
    source = f"{one_line(src.name)} ({src.kind}, {src.size} {t(lang, 'bytes')}, sha256 {one_line(src.sha256)[:12]}…)"
    if src.url:
        source += f" — {one_line(src.url)}"
    facts = [
        (t(lang, "source"), source),
        (
            t(lang, "lang_contract"),
            f"{lang_name(report.language, lang)} ({t(lang, 'lang_report')}: "
            f"{lang_name(report.report_language, lang)})",
        ),
        (t(lang, "pages"), str(report.pages) if report.pages is not None else t(lang, "unknown")),
        (t(lang, "clauses"), str(report.clauses)),
        (
            t(lang, "catalogue"),
            t(
                lang,
                "catalogue_value",
                version=one_line(report.catalogue.version),
                selected=report.catalogue.selected,
                rules=report.catalogue.rules,
            ),
        ),
    ]
    if report.sector is not None:
        facts.append((t(lang, "sector"), sector_text(report.sector, lang)))
    if report.profile is not None:
        prof = report.profile
        name = " – ".join(x for x in (one_line(prof.provider), one_line(prof.plan)) if x)
        if prof.url:
            name = f"{name} ({one_line(prof.url)})" if name else one_line(prof.url)
        facts.append((t(lang, "plan"), name or t(lang, "unknown")))
    facts.append(
        (t(lang, "generated"), f"{one_line(report.tool)} {one_line(report.version)}, {t(lang, 'schema')} {report.schema_version}")
    )
    return facts


# --------------------------------------------------------------------------- highlighting


def highlight_ranges(quote: str, clause: ClauseRef, spans: list[Span]) -> list[tuple[int, int]]:
    """Ranges of ``quote`` to highlight for the ``spans`` that lie inside ``clause``.

    Span offsets are document offsets; relative to ``clause.start`` they index the
    clause text.  The quote is either the clause text (then the relative offset is
    used directly) or an excerpt of it (then ``span.text`` is searched in the
    quote, preferring the occurrence nearest the expected position).  A span whose
    text is not in the quote is not highlighted.  Returns sorted, merged ranges.
    """
    ranges: list[tuple[int, int]] = []
    for sp in spans:
        if not sp.text or sp.start < clause.start or sp.end > clause.end:
            continue
        rel = sp.start - clause.start
        n = len(sp.text)
        if quote[rel : rel + n] == sp.text:
            ranges.append((rel, rel + n))
            continue
        hits = [m.start() for m in re.finditer(re.escape(sp.text), quote)]
        if not hits:
            # whitespace may have been normalised in the excerpt
            pat = r"\s+".join(re.escape(w) for w in sp.text.split())
            if not pat:
                continue
            found = [(m.start(), m.end()) for m in re.finditer(pat, quote)]
            if found:
                ranges.append(min(found, key=lambda r: abs(r[0] - rel)))
            continue
        pos = min(hits, key=lambda h: abs(h - rel))
        ranges.append((pos, pos + n))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for s, e in ranges:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
