"""Standalone HTML report: one page, inline CSS, no scripts, no external assets.

Same content and order as the Markdown report.  Every piece of text is
escaped with ``html.escape``; a Content-Security-Policy meta tag additionally
forbids scripts and remote loads.  The words a rule matched (``finding.spans``)
are wrapped in ``<mark>`` inside the quote.
"""

from __future__ import annotations

from html import escape

from tosaudit.models import ClauseRef, Finding, LegalRef, Report

from . import common as c
from .i18n import t

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
h4 { font-size: 1.05rem; margin: 0 0 .4rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
p.summary { padding: .6rem .8rem; background: #f4f4f6; border-radius: 6px; }
article.finding { border: 1px solid #ddd; border-left: 6px solid #888; border-radius: 6px;
                  padding: .8rem 1rem; margin: 1rem 0; }
article.sev-high { border-left-color: #c62828; }
article.sev-warning { border-left-color: #ef8f00; }
article.sev-info { border-left-color: #1e6fb8; }
.badge { display: inline-block; font-size: .75rem; font-weight: 700; letter-spacing: .04em;
         padding: .05rem .45rem; border-radius: 4px; color: #fff; background: #888;
         vertical-align: middle; text-transform: uppercase; }
.badge.sev-high { background: #c62828; }
.badge.sev-warning { background: #b86e00; }
.badge.sev-info { background: #1e6fb8; }
.meta { color: #666; font-size: .85rem; }
.where { font-weight: 600; }
blockquote { margin: .5rem 0; padding: .4rem .8rem; border-left: 3px solid #bbb; background: #fafafa;
             white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #ffe58f; padding: 0 .1em; }
table.contra { border-collapse: collapse; width: 100%; margin: .5rem 0; table-layout: fixed; }
table.contra th, table.contra td { border: 1px solid #ccc; padding: .4rem .6rem; vertical-align: top;
                                   text-align: left; overflow-wrap: anywhere; }
table.contra th { background: #f0f0f2; }
table.contra blockquote { margin: .3rem 0 0 0; }
.cond { color: #555; font-size: .85rem; margin: .2rem 0 0 0; }
td ul, .plan ul { margin: 0; padding-left: 1.2rem; }
.open { background: #fff7e0; border-radius: 4px; padding: .3rem .6rem; }
ul.problems li { margin: .2rem 0; }
@media print { body { margin: 0; max-width: none; } article.finding { break-inside: avoid; } }
""".strip()

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def e(text: object) -> str:
    """Escape untrusted text (control characters removed)."""
    return escape(c.clean(str(text) if text is not None else ""), quote=True)


def e1(text: object) -> str:
    """Escape untrusted text, collapsed to one line."""
    return escape(c.one_line(str(text) if text is not None else ""), quote=True)


def quote_html(quote: str | None, clause: ClauseRef | None, spans) -> str:
    """The quote, escaped, with the matched spans inside ``<mark>``."""
    q = quote or ""
    ranges = c.highlight_ranges(q, clause, spans) if clause is not None and spans else []
    parts: list[str] = []
    pos = 0
    for s, end in ranges:
        parts.append(e(q[pos:s]))
        parts.append(f"<mark>{e(q[s:end])}</mark>")
        pos = end
    parts.append(e(q[pos:]))
    return "".join(parts).strip()


def _plan_html(features, lang: str) -> str:
    lines, conds = c.plan_lines(features, lang)
    items = [f"<li><strong>{e1(label)}</strong>: {e1(value)} — {e1(origin)}</li>" for _, label, value, origin in lines]
    if not items:
        return ""
    extra = "".join(f'<p class="cond">{e1(x)}</p>' for x in conds)
    return f"<ul>{''.join(items)}</ul>{extra}"


def _where(ref: ClauseRef, lang: str, *, capital: bool = False) -> str:
    name, p, h = c.where_parts(ref, lang, capital=capital)
    s = f'<span class="where">{e1(name)}</span>'
    if p:
        s += f", {e1(p)}"
    if h:
        s += f' <span class="meta">({e1(h)})</span>'
    return s


def _legal(r: LegalRef) -> str:
    cite = e1(r.citation) or e1(r.id)
    url = c.safe_url(r.url)
    s = f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{cite}</a>' if url else cite
    if r.summary:
        s += f" — {e1(r.summary)}"
    return f"<li>{s}</li>"


def _finding(f: Finding, n: int, hlevel: int, lang: str) -> list[str]:
    sev = f.severity
    h = f"h{hlevel}"
    out = [
        f'<article class="finding sev-{e1(sev)} kind-{e1(f.kind)}" id="finding-{n}">',
        f'<{h}>{n}. <span class="badge sev-{e1(sev)}">{e1(c.severity_label(sev, lang))}</span> '
        f"{e1(f.title)}</{h}>",
    ]
    meta = (
        f'<p class="meta">{e1(t(lang, "rule"))} <code>{e1(f.rule_id)}</code> · {e1(c.category_label(f.category, lang))} · '
        f"{e1(t(lang, 'confidence'))}: {e1(c.confidence_label(f.confidence, lang))}</p>"
    )
    bq = f"<blockquote>{quote_html(f.quote, f.clause, f.spans)}</blockquote>"
    if f.kind == "contradiction":
        out.append('<table class="contra">')
        out.append(f"<thead><tr><th>{e1(t(lang, 'col_clause'))}</th><th>{e1(t(lang, 'col_plan'))}</th></tr></thead>")
        plan = _plan_html(f.features, lang) or e1(t(lang, "unknown"))
        out.append(f"<tbody><tr><td>{_where(f.clause, lang, capital=True)}{bq}</td><td>{plan}</td></tr></tbody>")
        out.append("</table>")
        out.append(meta)
    elif f.kind == "conflict":
        out.append(f"<p>{e1(t(lang, 'clause_a'))} {_where(f.clause, lang)}:</p>")
        out.append(bq)
        if f.other_clause is not None or f.other_quote:
            other = f" {_where(f.other_clause, lang)}" if f.other_clause is not None else ""
            out.append(f"<p>{e1(t(lang, 'clause_b'))}{other}:</p>")
            if f.other_quote:
                out.append(f"<blockquote>{quote_html(f.other_quote, f.other_clause, f.spans)}</blockquote>")
        out.append(meta)
    else:
        out.append(f"<p>{_where(f.clause, lang, capital=True)}</p>")
        out.append(bq)
        plan = _plan_html(f.features, lang)
        if plan:
            out.append(f'<div class="plan"><strong>{e1(t(lang, "col_plan"))}:</strong>{plan}</div>')
        out.append(meta)
    if f.message:
        out.append(f"<p>{e1(f.message)}</p>")
    if f.why:
        out.append(f"<p><strong>{e1(t(lang, 'why'))}:</strong> {e1(f.why)}</p>")
    if f.legal_basis:
        out.append(f"<p><strong>{e1(t(lang, 'legal'))}:</strong></p><ul>")
        out += [_legal(r) for r in f.legal_basis]
        out.append("</ul>")
    if f.decisions:
        out.append(f"<p><strong>{e1(t(lang, 'decisions'))}:</strong></p><ul>")
        out += [_legal(r) for r in f.decisions]
        out.append("</ul>")
    if f.unknown_features:
        out.append(f'<p class="open"><strong>{e1(c.open_question(f, lang))}</strong></p>')
    elif c.one_line(f.ask):
        out.append(f"<p><strong>{e1(t(lang, 'ask'))}:</strong> {e1(f.ask)}</p>")
    out.append("</article>")
    return out


def render_html(report: Report) -> str:
    lang = report.report_language
    sec = c.sections(report)
    title = t(lang, "title", name=c.one_line(report.source.name))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e1(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP, quote=True)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e1(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
        f"<header><h1>{e1(title)}</h1>",
        '<dl class="facts">',
    ]
    for label, value in c.header_facts(report):
        out.append(f"<dt>{e1(label)}</dt><dd>{e1(value)}</dd>")
    out.append("</dl>")
    out.append(f'<p class="summary"><strong>{e1(t(lang, "summary"))}:</strong> {e1(c.summary_text(report))}</p>')
    out.append("</header>")

    n = 0
    out.append(f'<section id="contradictions"><h2>{e1(t(lang, "sec_contradictions"))} ({len(sec.contradictions)})</h2>')
    if not sec.contradictions:
        key = "sec_contradictions_none" if report.profile is not None else "sec_contradictions_noprofile"
        out.append(f"<p>{e1(t(lang, key))}</p>")
    for f in sec.contradictions:
        n += 1
        out += _finding(f, n, 3, lang)
    out.append("</section>")

    out.append(f'<section id="conflicts"><h2>{e1(t(lang, "sec_conflicts"))} ({len(sec.conflicts)})</h2>')
    if not sec.conflicts:
        out.append(f"<p>{e1(t(lang, 'sec_conflicts_none'))}</p>")
    for f in sec.conflicts:
        n += 1
        out += _finding(f, n, 3, lang)
    out.append("</section>")

    total = sum(len(v) for v in sec.by_severity.values())
    out.append(f'<section id="findings"><h2>{e1(t(lang, "sec_findings"))} ({total})</h2>')
    if not total:
        out.append(f"<p>{e1(t(lang, 'sec_findings_none'))}</p>")
    for s in c.SEVERITIES:
        group = sec.by_severity[s]
        if not group:
            continue
        out.append(f'<h3 id="severity-{s}">{e1(t(lang, "sev_title_" + s))} ({len(group)})</h3>')
        for f in group:
            n += 1
            out += _finding(f, n, 4, lang)
    out.append("</section>")

    out.append(f'<section id="problems"><h2>{e1(t(lang, "sec_problems"))} ({len(report.problems)})</h2>')
    if not report.problems:
        out.append(f"<p>{e1(t(lang, 'none').capitalize())}.</p>")
    else:
        out.append('<ul class="problems">')
        for p in report.problems:
            loc, what = c.problem_parts(p, lang)
            out.append(f"<li><strong>{e1(loc)}:</strong> {e1(what)}</li>")
        out.append("</ul>")
    out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
