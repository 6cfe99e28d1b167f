"""Plain-text report for the terminal: same order and content as the Markdown
report, no tables, wrapped to 100 columns, optional ANSI colours by severity.

Control characters (ESC …) are stripped from all document text, so a contract
cannot inject terminal escape sequences.
"""

from __future__ import annotations

import os
import sys
import textwrap

from tosaudit.models import ClauseRef, Finding, LegalRef, Report

from . import common as c
from .i18n import t

WIDTH = 100

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
SEV_COLOR = {"high": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}


def auto_color() -> bool:
    """Colour when stdout is a terminal and ``NO_COLOR`` is not set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class _Out:
    def __init__(self, color: bool) -> None:
        self.color = color
        self.lines: list[str] = []

    def paint(self, code: str, s: str) -> str:
        return f"{code}{s}{RESET}" if self.color and s else s

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def wrap(self, text: str, indent: str = "", hang: str | None = None, code: str = "") -> None:
        """Wrap plain ``text``; colour each resulting line with ``code``."""
        hang = indent if hang is None else hang
        lines = textwrap.wrap(
            text,
            width=WIDTH,
            initial_indent=indent,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent.rstrip()]
        for ln in lines:
            if code:
                pad = len(ln) - len(ln.lstrip())
                ln = ln[:pad] + self.paint(code, ln[pad:])
            self.lines.append(ln)

    def field(self, label: str, text: str, indent: str, code: str = BOLD) -> None:
        """``label: text`` wrapped, with the label highlighted."""
        head = f"{label}:"
        before = len(self.lines)
        self.wrap(f"{head} {text}", indent, indent + "  ")
        first = self.lines[before]
        if self.color and first.startswith(indent + head):
            self.lines[before] = indent + self.paint(code, head) + first[len(indent + head) :]

    def column(self, label: str, width: int, texts: list[str], indent: str) -> None:
        """``Label | text`` rows; continuation lines keep the ``|`` gutter."""
        gutter_first = f"{indent}{label.ljust(width)} | "
        gutter_rest = f"{indent}{' ' * width} | "
        first = True
        for text in texts:
            lead = gutter_first if first else gutter_rest
            before = len(self.lines)
            self.wrap(text, lead, gutter_rest)
            if first and self.color:
                ln = self.lines[before]
                self.lines[before] = indent + self.paint(BOLD, label.ljust(width)) + ln[len(indent) + width :]
            first = False


def _where(ref: ClauseRef, lang: str) -> str:
    s = c.cap(c.where(ref, lang))
    h = c.heading_suffix(ref)
    return f"{s} ({h})" if h else s


def _legal(r: LegalRef) -> str:
    s = c.one_line(r.citation) or c.one_line(r.id)
    if r.summary:
        s += f" — {c.one_line(r.summary)}"
    url = c.safe_url(r.url)
    if url:
        s += f" <{url}>"
    return s


def _finding(o: _Out, f: Finding, n: int, lang: str) -> None:
    ind = "   "
    sev = c.severity_label(f.severity, lang).upper()
    o.wrap(f"{n}. [{sev}] {c.one_line(f.title)}", "", ind, SEV_COLOR.get(f.severity, BOLD))
    o.wrap(
        f"{t(lang, 'rule')} {c.one_line(f.rule_id)} · {c.category_label(f.category, lang)} · "
        f"{t(lang, 'confidence')}: {c.confidence_label(f.confidence, lang)}",
        ind,
        code=DIM,
    )
    quote = f"«{c.one_line(f.quote)}»"
    if f.kind == "contradiction":
        w = max(len(t(lang, "col_clause")), len(t(lang, "col_plan")))
        o.column(t(lang, "col_clause"), w, [_where(f.clause, lang), quote], ind)
        items, conds = c.plan_evidence(f.features, lang)
        o.column(t(lang, "col_plan"), w, (items + conds) or [t(lang, "unknown")], ind)
    elif f.kind == "conflict":
        a, b = t(lang, "clause_a"), t(lang, "clause_b")
        w = max(len(a), len(b))
        o.column(a, w, [_where(f.clause, lang), quote], ind)
        other = [_where(f.other_clause, lang)] if f.other_clause is not None else []
        if f.other_quote:
            other.append(f"«{c.one_line(f.other_quote)}»")
        if other:
            o.column(b, w, other, ind)
    else:
        a, p = t(lang, "col_clause"), t(lang, "col_plan")
        items, conds = c.plan_evidence(f.features, lang)
        w = max(len(a), len(p)) if items else len(a)
        o.column(a, w, [_where(f.clause, lang), quote], ind)
        if items:
            o.column(p, w, items + conds, ind)
    if f.message:
        o.wrap(c.one_line(f.message), ind)
    if f.why:
        o.field(t(lang, "why"), c.one_line(f.why), ind)
    for key, refs in (("legal", f.legal_basis), ("decisions", f.decisions)):
        if refs:
            o.wrap(f"{t(lang, key)}:", ind, code=BOLD)
            for r in refs:
                o.wrap(f"- {_legal(r)}", ind, ind + "  ")
    if f.unknown_features:
        o.wrap(c.open_question(f, lang), ind, ind + "  ", code=BOLD)
    elif c.one_line(f.ask):
        o.field(t(lang, "ask"), c.one_line(f.ask), ind)
    o.blank()


def _section(o: _Out, title: str) -> None:
    o.blank()
    o.wrap(f"== {title} ==", code=BOLD)
    o.blank()


def render_text(report: Report, *, color: bool | None = None) -> str:
    lang = report.report_language
    o = _Out(auto_color() if color is None else bool(color))
    sec = c.sections(report)

    o.wrap(t(lang, "title", name=c.one_line(report.source.name)), code=BOLD)
    for label, value in c.header_facts(report):
        o.wrap(f"{label}: {value}", "", "  ")
    o.blank()
    o.field(t(lang, "summary"), c.summary_text(report), "")

    n = 0
    _section(o, f"{t(lang, 'sec_contradictions')} ({len(sec.contradictions)})")
    if not sec.contradictions:
        key = "sec_contradictions_none" if report.profile is not None else "sec_contradictions_noprofile"
        o.wrap(t(lang, key))
    for f in sec.contradictions:
        n += 1
        _finding(o, f, n, lang)

    _section(o, f"{t(lang, 'sec_conflicts')} ({len(sec.conflicts)})")
    if not sec.conflicts:
        o.wrap(t(lang, "sec_conflicts_none"))
    for f in sec.conflicts:
        n += 1
        _finding(o, f, n, lang)

    total = sum(len(v) for v in sec.by_severity.values())
    _section(o, f"{t(lang, 'sec_findings')} ({total})")
    if not total:
        o.wrap(t(lang, "sec_findings_none"))
    for s in c.SEVERITIES:
        group = sec.by_severity[s]
        if not group:
            continue
        o.blank()
        o.wrap(f"-- {t(lang, 'sev_title_' + s)} ({len(group)}) --", code=SEV_COLOR[s])
        o.blank()
        for f in group:
            n += 1
            _finding(o, f, n, lang)

    _section(o, f"{t(lang, 'sec_problems')} ({len(report.problems)})")
    if not report.problems:
        o.wrap(t(lang, "none").capitalize() + ".")
    for p in report.problems:
        loc, what = c.problem_parts(p, lang)
        o.wrap(f"- {loc}: {what}", "", "  ")
    while o.lines and o.lines[-1] == "":
        o.lines.pop()
    return "\n".join(o.lines) + "\n"
