"""Render a :class:`tosaudit.models.Report` as JSON, Markdown, terminal text or HTML.

Public API::

    render(report, fmt, *, color=None) -> str   # fmt: "json", "md", "text", "html"
    json_schema() -> dict                        # published at docs/report.schema.json
    questions_text(report) -> str                # the questions for the provider, ready to send

Every renderer is a pure function of the report (``color=None`` in the text
format looks at ``sys.stdout.isatty()`` and ``NO_COLOR``).  Fixed UI strings
are in ``report.report_language``; finding texts already are.
"""

from __future__ import annotations

from tosaudit.errors import TosauditError
from tosaudit.models import Finding, Report

from . import common as c
from .html import render_html
from .i18n import t
from .markdown import render_markdown
from .terminal import render_text

__all__ = [
    "FORMATS",
    "FormatError",
    "json_schema",
    "questions",
    "questions_text",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "schema_text",
]

#: canonical format names and accepted aliases
FORMATS: dict[str, str] = {
    "json": "json",
    "md": "md",
    "markdown": "md",
    "text": "text",
    "txt": "text",
    "terminal": "text",
    "html": "html",
    "htm": "html",
}


# jsonout is imported lazily so that ``python -m tosaudit.report.jsonout`` runs cleanly
def render_json(report: Report) -> str:
    """``report.model_dump_json(indent=2)``."""
    from .jsonout import render_json as _render_json

    return _render_json(report)


def json_schema() -> dict:
    """The report's JSON Schema (``Report.model_json_schema()`` with ``$id``/``title``),
    published at ``docs/report.schema.json``."""
    from .jsonout import json_schema as _json_schema

    return _json_schema()


def schema_text() -> str:
    """The exact content of ``docs/report.schema.json``."""
    from .jsonout import schema_text as _schema_text

    return _schema_text()


class FormatError(TosauditError, ValueError):
    """An output format that does not exist."""


def render(report: Report, fmt: str, *, color: bool | None = None) -> str:
    """The report as ``fmt`` ("json", "md", "text" or "html"; aliases in ``FORMATS``).

    ``color`` only affects "text": True/False forces ANSI colours on/off,
    None = auto (stdout is a terminal and ``NO_COLOR`` is not set).
    """
    key = FORMATS.get((fmt or "").strip().lower())
    if key == "json":
        return render_json(report)
    if key == "md":
        return render_markdown(report)
    if key == "text":
        return render_text(report, color=color)
    if key == "html":
        return render_html(report)
    raise FormatError(f"unknown report format {fmt!r}; use one of: json, md, text, html")


def _refs(f: Finding, lang: str) -> list[str]:
    refs = [c.where(f.clause, lang)]
    if f.kind == "conflict" and f.other_clause is not None:
        refs.append(c.where(f.other_clause, lang))
    return refs


def questions(report: Report) -> list[tuple[str, list[str]]]:
    """(question, [clause refs]) in report order; identical questions are merged.

    Each finding contributes its ``ask``; a finding without one whose rule needed
    plan features the profile does not state asks about those features.
    """
    lang = report.report_language
    sec = c.sections(report)
    ordered = sec.contradictions + sec.conflicts + [f for s in c.SEVERITIES for f in sec.by_severity[s]]
    items: dict[str, tuple[str, list[str]]] = {}
    for f in ordered:
        q = c.provider_question(f, lang)
        if not q:
            continue
        key = q.casefold()
        if key not in items:
            items[key] = (q, [])
        lst = items[key][1]
        for r in _refs(f, lang):
            if r not in lst:
                lst.append(r)
    return list(items.values())


def questions_text(report: Report) -> str:
    """The provider questions as a plain text to send: greeting, numbered
    questions each with "(clause X, page Y)", closing; in ``report.report_language``."""
    lang = report.report_language
    plan = ""
    if report.profile is not None and (report.profile.plan or report.profile.provider):
        plan = t(lang, "q_intro_plan", plan=c.one_line(report.profile.plan or report.profile.provider))
    lines = [
        t(lang, "q_greeting"),
        "",
        t(lang, "q_intro", name=c.one_line(report.source.name), plan=plan),
        "",
    ]
    qs = questions(report)
    if not qs:
        lines.append(t(lang, "q_none"))
    for i, (q, refs) in enumerate(qs, 1):
        lines.append(f"{i}. {q} {t(lang, 'q_ref', refs='; '.join(refs))}")
    lines += ["", t(lang, "q_closing"), "", t(lang, "q_regards")]
    return "\n".join(lines) + "\n"
