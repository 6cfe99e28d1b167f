"""Markdown report (GitHub-flavoured: tables).

Order: header, summary, contradictions with the plan (two-column tables),
clause-vs-clause conflicts, the other findings grouped by severity, problems
during reading.  All text taken from the contract, the profile or the
catalogue is escaped so that a document cannot inject links, HTML or
formatting.
"""

from __future__ import annotations

import re
from urllib.parse import quote as urlquote

from tosaudit.models import Finding, LegalRef, Report

from . import common as c
from .i18n import t

# characters with inline meaning in CommonMark/GFM (and GitHub math: $)
_INLINE = re.compile(r"([\\`*_\[\]<>|~&$])")
# GFM "extended autolinks": bare URLs and www. names would become links
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|file|mailto)(?=:)|\b(www)(?=\.)")
# block markers at the start of a line: headings, lists, setext underlines, ordered lists
_LINE_START = re.compile(r"^([#=+-]|\d+(?=[.)]))")


def esc(text: str | None, *, start: bool = False) -> str:
    """Escape one line of untrusted text for Markdown (also safe in table cells).

    ``start``: the text begins a line (or a list item), so block markers
    (``#``, ``-``, ``1.``) at its beginning are escaped too.
    """
    s = _INLINE.sub(r"\\\1", c.one_line(text))
    # "http\://x", "www\.x": shown the same, but no longer recognised as links
    s = _AUTOLINK.sub(lambda m: m.group(0) + "\\", s)
    m = _LINE_START.match(s) if start else None
    if m:
        if m.group(1)[0].isdigit():
            end = m.end()
            s = s[:end] + "\\" + s[end:]
        else:
            s = "\\" + s
    return s


def blockquote(text: str | None) -> list[str]:
    """Untrusted multi-line text as a blockquote, every line escaped."""
    lines = [ln.strip() for ln in c.clean(text).split("\n")]
    # drop leading/trailing empty lines, keep paragraph breaks inside
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    out: list[str] = []
    for ln in lines or [""]:
        out.append(f"> {esc(ln, start=True)}" if ln else ">")
    return out


def safe_url(url: str | None) -> str | None:
    """An http(s) URL usable as a Markdown link destination, else None."""
    u = c.safe_url(url)
    if u is None:
        return None
    return urlquote(u, safe=":/?#@!$&'*+,;=%~-._")


def link(ref: LegalRef) -> str:
    cite = esc(ref.citation, start=True) or esc(ref.id, start=True)
    url = safe_url(ref.url)
    s = f"[{cite}]({url})" if url else cite
    if ref.summary:
        s += f" — {esc(ref.summary)}"
    return s


def _where(ref, lang: str, *, bold: bool = True, capital: bool = False) -> str:
    name, p, h = c.where_parts(ref, lang, capital=capital)
    s = f"**{esc(name)}**" if bold else esc(name)
    if p:
        s += f", {esc(p)}"
    if h:
        s += f" ({esc(h)})"
    return s


def _plan_cells(features, lang: str) -> list[str]:
    """One Markdown fragment per feature, then the distinct conditions checked."""
    lines, conds = c.plan_lines(features, lang)
    out = [f"**{esc(label)}**: {esc(value)} — {esc(origin)}" for _, label, value, origin in lines]
    return out + [f"_{esc(cond)}_" for cond in conds]


def _contradiction_table(f: Finding, lang: str) -> list[str]:
    clause_cell = f"{_where(f.clause, lang, capital=True)}<br>«{esc(f.quote)}»"
    plan_cell = "<br>".join(_plan_cells(f.features, lang)) or esc(t(lang, "unknown"))
    return [
        f"| {esc(t(lang, 'col_clause'))} | {esc(t(lang, 'col_plan'))} |",
        "|---|---|",
        f"| {clause_cell} | {plan_cell} |",
    ]


def _finding(f: Finding, n: int, level: str, lang: str) -> list[str]:
    sev = c.severity_label(f.severity, lang).upper()
    out = [f"{level} {n}. \\[{esc(sev)}\\] {esc(f.title)}", ""]
    rule = f.rule_id.replace("`", "")
    meta = (
        f"{esc(t(lang, 'rule'))} `{rule}` · {esc(c.category_label(f.category, lang))} · "
        f"{esc(t(lang, 'confidence'))}: {esc(c.confidence_label(f.confidence, lang))}"
    )
    if f.kind == "contradiction":
        out += _contradiction_table(f, lang)
        out += ["", meta, ""]
    elif f.kind == "conflict":
        out += [f"{esc(t(lang, 'clause_a'))} {_where(f.clause, lang)}:", ""]
        out += blockquote(f.quote)
        out += [""]
        if f.other_clause is not None or f.other_quote:
            other = f" {_where(f.other_clause, lang)}" if f.other_clause is not None else ""
            out += [f"{esc(t(lang, 'clause_b'))}{other}:", ""]
            if f.other_quote:
                out += blockquote(f.other_quote) + [""]
        out += [meta, ""]
    else:
        out += [f"{_where(f.clause, lang, capital=True)} · {meta}", ""]
        out += blockquote(f.quote)
        out += [""]
        if f.features:
            out += [f"**{esc(t(lang, 'col_plan'))}:** " + "; ".join(_plan_cells(f.features, lang)), ""]
    if f.message:
        out += [esc(f.message, start=True), ""]
    if f.why:
        out += [f"**{esc(t(lang, 'why'))}:** {esc(f.why)}", ""]
    if f.legal_basis:
        out += [f"**{esc(t(lang, 'legal'))}:**", ""]
        out += [f"- {link(r)}" for r in f.legal_basis]
        out += [""]
    if f.decisions:
        out += [f"**{esc(t(lang, 'decisions'))}:**", ""]
        out += [f"- {link(r)}" for r in f.decisions]
        out += [""]
    if f.unknown_features:
        out += [f"**{esc(c.open_question(f, lang))}**", ""]
    elif c.one_line(f.ask):
        out += [f"**{esc(t(lang, 'ask'))}:** {esc(f.ask)}", ""]
    return out


def render_markdown(report: Report) -> str:
    lang = report.report_language
    sec = c.sections(report)
    out = [f"# {esc(t(lang, 'title', name=c.one_line(report.source.name)))}", ""]
    for label, value in c.header_facts(report):
        out.append(f"- **{esc(label)}:** {esc(value)}")
    out += ["", f"**{esc(t(lang, 'summary'))}:** {esc(c.summary_text(report))}", ""]

    n = 0
    out += [f"## {esc(t(lang, 'sec_contradictions'))} ({len(sec.contradictions)})", ""]
    if not sec.contradictions:
        key = "sec_contradictions_none" if report.profile is not None else "sec_contradictions_noprofile"
        out += [esc(t(lang, key)), ""]
    for f in sec.contradictions:
        n += 1
        out += _finding(f, n, "###", lang)

    out += [f"## {esc(t(lang, 'sec_conflicts'))} ({len(sec.conflicts)})", ""]
    if not sec.conflicts:
        out += [esc(t(lang, "sec_conflicts_none")), ""]
    for f in sec.conflicts:
        n += 1
        out += _finding(f, n, "###", lang)

    total = sum(len(v) for v in sec.by_severity.values())
    out += [f"## {esc(t(lang, 'sec_findings'))} ({total})", ""]
    if not total:
        out += [esc(t(lang, "sec_findings_none")), ""]
    for s in c.SEVERITIES:
        group = sec.by_severity[s]
        if not group:
            continue
        out += [f"### {esc(t(lang, 'sev_title_' + s))} ({len(group)})", ""]
        for f in group:
            n += 1
            out += _finding(f, n, "####", lang)

    out += [f"## {esc(t(lang, 'sec_problems'))} ({len(report.problems)})", ""]
    if not report.problems:
        out += [esc(t(lang, "none").capitalize() + "."), ""]
    for p in report.problems:
        loc, what = c.problem_parts(p, lang)
        out.append(f"- **{esc(loc)}:** {esc(what)}")
    if report.problems:
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
