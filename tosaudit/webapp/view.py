"""HTML for the page's result cards, built from escaped text only.

Everything that comes from a document (quotes, clause text, clause numbers, file names) or a
profile goes through :func:`esc`; the only markup is the one written here (``<mark>`` around
the matched words, cards, links to http(s) URLs from the catalogue).  The page shows these
blocks with ``st.html`` (no Markdown processing; Streamlit also sanitises the HTML).
"""

from __future__ import annotations

import re
from html import escape
from typing import Iterable, Sequence

from tosaudit.models import ClauseRef, FeatureEvidence, Finding, LegalRef, Problem, Span
from tosaudit.report import common as c
from tosaudit.report.i18n import t as rt

from .i18n import enum_value, t

CONTEXT_MAX = 1600  # characters of clause text shown around the quote

CSS = """
<style>
[data-testid="stMainBlockContainer"]{padding-top:2.2rem}
.ta-card{border:1px solid #e3e6ea;border-left:6px solid #9aa5b1;border-radius:10px;padding:14px 18px 10px;
  margin:0 0 14px;background:#fff;font-size:0.95rem;line-height:1.5;color:#1f2933}
.ta-card.sev-high{border-left-color:#c0392b}.ta-card.sev-warning{border-left-color:#d68910}
.ta-card.sev-info{border-left-color:#2e86c1}
.ta-contra{background:#fffaf9}
.ta-head{display:flex;gap:.6em;align-items:baseline;flex-wrap:wrap;margin-bottom:.5em}
.ta-title{font-weight:650;font-size:1.05rem}
.ta-badge{display:inline-block;border-radius:999px;padding:.05em .65em;font-size:.78rem;font-weight:600;
  color:#fff;background:#9aa5b1;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
.ta-badge.sev-high{background:#c0392b}.ta-badge.sev-warning{background:#d68910}.ta-badge.sev-info{background:#2e86c1}
.ta-badge.kind{background:#5b3a9e}
.ta-meta{color:#616e7c;font-size:.82rem}
.ta-grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:14px;margin:.3em 0 .6em}
@media (max-width:800px){.ta-grid{grid-template-columns:1fr}}
.ta-side{border:1px solid #e9ecef;border-radius:8px;padding:10px 12px;background:#fff}
.ta-plan{background:#f7f9fc}
.ta-label{font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:#616e7c;font-weight:600;margin-bottom:.25em}
.ta-where{font-weight:600;margin-bottom:.3em}
.ta-quote{margin:.2em 0 .4em;padding:.45em .8em;border-left:3px solid #cbd2d9;background:#f5f7fa;border-radius:4px;
  white-space:pre-wrap;overflow-wrap:anywhere}
.ta-card mark{background:#ffe58f;padding:0 .12em;border-radius:2px;color:inherit}
.ta-card ul.ta-feat{list-style:none;padding:0 !important;margin:0 !important}
.ta-card ul.ta-feat li{margin:.1em 0 .6em;padding:0}
.ta-flabel{font-weight:600}
.ta-val{display:inline-block;margin-right:.3em;border-radius:6px;padding:0 .55em;font-weight:700;background:#e4e7eb}
.ta-val.v-no{background:#fde2e1;color:#a61b1b}.ta-val.v-yes{background:#e3f9e5;color:#1f7a34}
.ta-val.v-unknown{background:#eceff1;color:#52606d;font-weight:600}
.ta-origin{color:#616e7c;font-size:.82rem}
.ta-cond{color:#616e7c;font-size:.82rem;font-style:italic}
.ta-msg{margin:.3em 0;font-weight:500}
.ta-sec{font-weight:600}
.ta-why{margin:.35em 0}
.ta-law{margin:.25em 0;font-size:.9rem}
.ta-law a,.ta-law span[title]{white-space:nowrap}
.ta-card a{color:#1d5fa8}
.ta-ask{background:#eef5ff;border-radius:8px;padding:.5em .8em;margin:.5em 0 .3em}
.ta-open{background:#fff8e6;border-radius:8px;padding:.4em .8em;margin:.3em 0}
.ta-card details{margin:.2em 0 .4em}
.ta-card summary{cursor:pointer;color:#1d5fa8;font-size:.88rem}
.ta-context{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.88rem;background:#fafbfc;border:1px dashed #d9dee3;
  border-radius:6px;padding:.5em .8em;margin-top:.3em}
.ta-problems{border:1px solid #f0c36d;background:#fffbea;border-radius:10px;padding:10px 16px;margin:0 0 12px}
.ta-problems li{margin:.15em 0}
</style>
"""


def esc(text: object) -> str:
    """Untrusted text as inert HTML: control characters removed, ``<>&"'`` escaped."""
    return escape(c.clean("" if text is None else str(text)), quote=True)


def esc1(text: object) -> str:
    """Untrusted text as inert HTML on one line."""
    return escape(c.one_line("" if text is None else str(text)), quote=True)


def marked(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, with the (sorted, non-overlapping) ``ranges`` wrapped in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for s, e in sorted(ranges):
        s, e = max(s, pos), min(e, len(text))
        if e <= s:
            continue
        out.append(esc(text[pos:s]))
        out.append(f"<mark>{esc(text[s:e])}</mark>")
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def quote_html(f: Finding) -> str:
    """The finding's quote, escaped, with the matched words marked."""
    q = f.quote or ""
    ranges = c.highlight_ranges(q, f.clause, f.spans) if f.spans else []
    return marked(q, ranges).strip()


def context_html(doc_text: str | None, clause: ClauseRef, spans: Sequence[Span], limit: int = CONTEXT_MAX) -> str:
    """The whole clause from the document, escaped, matched words marked (cut around them if long)."""
    if not doc_text:
        return ""
    start, end = max(clause.start, 0), min(clause.end, len(doc_text))
    if end <= start:
        return ""
    ranges = [(s.start - start, s.end - start) for s in spans if s.start >= start and s.end <= end]
    text = doc_text[start:end]
    lead = tail = ""
    if len(text) > limit:
        first = min((r[0] for r in ranges), default=0)
        a = max(0, min(first - limit // 3, len(text) - limit))
        b = a + limit
        ranges = [(s - a, e - a) for s, e in ranges if s >= a and e <= b]
        lead = "… " if a > 0 else ""
        tail = " …" if b < len(text) else ""
        text = text[a:b]
    return lead + marked(text, ranges).strip() + tail


def sev_badge(sev: str, lang: str) -> str:
    return f'<span class="ta-badge sev-{esc1(sev)}">{esc1(t(lang, "sev_" + sev))}</span>'


def where_html(ref: ClauseRef, lang: str) -> str:
    name, p, h = c.where_parts(ref, lang, capital=True)
    s = esc1(name)
    if p:
        s += f" · {esc1(p)}"
    if h:
        s += f' <span class="ta-meta">({esc1(h)})</span>'
    return s


def _link(r: LegalRef) -> str:
    """A citation linked to its source (http(s) only); the summary as its tooltip."""
    cite = esc1(r.citation) or esc1(r.id)
    url = c.safe_url(r.url)
    title = f' title="{esc1(r.summary)}"' if r.summary else ""
    if url:
        return f'<a href="{escape(url, quote=True)}"{title} target="_blank" rel="noopener noreferrer">{cite}</a>'
    return f"<span{title}>{cite}</span>"


def value_class(v: object) -> str:
    if v is None:
        return "v-unknown"
    if v is False:
        return "v-no"
    if v is True:
        return "v-yes"
    return "v-other"


def features_html(features: Sequence[FeatureEvidence], lang: str) -> str:
    lines, conds = c.plan_lines(features, lang)
    items = []
    for fe, label, value, origin in lines:
        if isinstance(fe.value, str):
            value = enum_value(lang, value)
        items.append(
            f'<li><div class="ta-flabel">{esc1(label)}</div>'
            f'<span class="ta-val {value_class(fe.value)}">{esc1(value)}</span> '
            f'<span class="ta-origin">{esc1(t(lang, "from"))}: {esc1(origin)}</span></li>'
        )
    if not items:
        return f'<p class="ta-meta">{esc1(rt(lang, "unknown"))}</p>'
    return '<ul class="ta-feat">' + "".join(items) + "</ul>" + "".join(
        f'<div class="ta-cond">{esc1(x)}</div>' for x in conds)


def _details(f: Finding, lang: str) -> list[str]:
    out = []
    if f.why:
        out.append(f'<div class="ta-why"><span class="ta-sec">{esc1(rt(lang, "why"))}:</span> {esc1(f.why)}</div>')
    if f.legal_basis:
        out.append(f'<div class="ta-law"><span class="ta-sec">{esc1(rt(lang, "legal"))}:</span> '
                   + " · ".join(_link(r) for r in f.legal_basis) + "</div>")
    if f.decisions:
        out.append(f'<div class="ta-law"><span class="ta-sec">{esc1(rt(lang, "decisions"))}:</span> '
                   + " · ".join(_link(r) for r in f.decisions) + "</div>")
    if f.unknown_features:
        labels = ", ".join(f"«{c.one_line(fe.label) or fe.key}»" for fe in f.unknown_features)
        out.append(f'<div class="ta-open">{esc1(t(lang, "open_q", labels=labels))}</div>')
    if f.ask:
        out.append(f'<div class="ta-ask"><strong>{esc1(rt(lang, "ask"))}:</strong> {esc1(f.ask)}</div>')
    return out


def _context_block(doc_text: str | None, ref: ClauseRef | None, spans: Sequence[Span], lang: str,
                   quote: str | None = None) -> str:
    """The whole clause on demand (left out when the quote already is the whole clause)."""
    if ref is None or not doc_text:
        return ""
    if quote is not None and c.one_line(doc_text[ref.start:ref.end]) == c.one_line(quote).rstrip(" …"):
        return ""
    ctx = context_html(doc_text, ref, spans)
    if not ctx:
        return ""
    return (f'<details><summary>{esc1(t(lang, "context"))}</summary>'
            f'<div class="ta-context">{ctx}</div></details>')


def meta_html(f: Finding, lang: str) -> str:
    return (f'<span class="ta-meta">{esc1(c.category_label(f.category, lang))} · {esc1(rt(lang, "rule"))} '
            f'<code>{esc1(f.rule_id)}</code> · {esc1(rt(lang, "confidence"))}: '
            f"{esc1(c.confidence_label(f.confidence, lang))}</span>")


def contradiction_html(f: Finding, lang: str, doc_text: str | None = None) -> str:
    """A contradiction: the clause (number, page, quote) beside the plan's feature and its origin."""
    clause_side = (
        f'<div class="ta-side"><div class="ta-label">{esc1(rt(lang, "col_clause"))}</div>'
        f'<div class="ta-where">{where_html(f.clause, lang)}</div>'
        f'<div class="ta-quote">{quote_html(f)}</div>'
        f"{_context_block(doc_text, f.clause, f.spans, lang, f.quote)}</div>"
    )
    plan_side = (
        f'<div class="ta-side ta-plan"><div class="ta-label">{esc1(t(lang, "your_plan"))}</div>'
        f"{features_html(f.features, lang)}</div>"
    )
    parts = [
        f'<div class="ta-card ta-contra sev-{esc1(f.severity)}" data-rule="{esc1(f.rule_id)}" data-kind="contradiction">',
        f'<div class="ta-head">{sev_badge(f.severity, lang)}<span class="ta-title">{esc1(f.title)}</span>'
        f"{meta_html(f, lang)}</div>",
        f'<div class="ta-grid">{clause_side}{plan_side}</div>',
        f'<div class="ta-msg">{esc1(f.message)}</div>',
        *_details(f, lang),
        "</div>",
    ]
    return "".join(parts)


def conflict_html(f: Finding, lang: str, doc_text: str | None = None) -> str:
    other = f.other_clause
    a = (f'<div class="ta-side"><div class="ta-where">{where_html(f.clause, lang)}</div>'
         f'<div class="ta-quote">{quote_html(f)}</div>{_context_block(doc_text, f.clause, f.spans, lang, f.quote)}</div>')
    if other is not None:
        oq = marked(f.other_quote or "", c.highlight_ranges(f.other_quote or "", other, f.spans))
        b = (f'<div class="ta-side"><div class="ta-where">{where_html(other, lang)}</div>'
             f'<div class="ta-quote">{oq}</div>{_context_block(doc_text, other, f.spans, lang, f.other_quote)}</div>')
    else:
        b = ""
    return "".join([
        f'<div class="ta-card sev-{esc1(f.severity)}" data-rule="{esc1(f.rule_id)}" data-kind="conflict">',
        f'<div class="ta-head">{sev_badge(f.severity, lang)}<span class="ta-title">{esc1(f.title)}</span>'
        f"{meta_html(f, lang)}</div>",
        f'<div class="ta-grid" style="grid-template-columns:1fr 1fr">{a}{b}</div>',
        f'<div class="ta-msg">{esc1(f.message)}</div>', *_details(f, lang), "</div>",
    ])


def finding_html(f: Finding, lang: str, doc_text: str | None = None) -> str:
    """A clause finding: where, quote (context on demand), message, why, legal basis, question."""
    plan = ""
    if f.features:
        plan = (f'<div class="ta-side ta-plan" style="margin:.3em 0"><div class="ta-label">'
                f'{esc1(t(lang, "your_plan"))}</div>{features_html(f.features, lang)}</div>')
    return "".join([
        f'<div class="ta-card sev-{esc1(f.severity)}" data-rule="{esc1(f.rule_id)}" data-kind="{esc1(f.kind)}">',
        f'<div class="ta-head">{sev_badge(f.severity, lang)}<span class="ta-title">{esc1(f.title)}</span>'
        f"{meta_html(f, lang)}</div>",
        f'<div class="ta-where">{where_html(f.clause, lang)}</div>',
        f'<div class="ta-quote">{quote_html(f)}</div>',
        _context_block(doc_text, f.clause, f.spans, lang, f.quote),
        plan,
        f'<div class="ta-msg">{esc1(f.message)}</div>',
        *_details(f, lang),
        "</div>",
    ])


def plan_findings_html(plan, lang: str) -> str:
    """The (non-info) findings of one plan of a comparison, as a short list."""
    items = []
    for f in plan.findings:
        where = esc1(f.clause) if f.clause else "–"
        if f.other_clause:
            where += f" ↔ {esc1(f.other_clause)}"
        kind = ' <span class="ta-badge kind">⚡</span>' if f.kind == "contradiction" else ""
        items.append(f'<li>{sev_badge(f.severity, lang)}{kind} {esc1(f.title)} '
                     f'<span class="ta-meta">({where})</span></li>')
    body = "".join(items) or f'<li class="ta-meta">{esc1(t(lang, "cmp_none"))}</li>'
    sector = ""
    if plan.sector is not None:
        sector = (f'<div class="ta-meta" data-sector="{esc1(plan.sector.id)}">'
                  f'{esc1(rt(lang, "sector"))}: {esc1(c.sector_text(plan.sector, lang))}</div>')
    return (f'<div class="ta-card ta-plancmp" data-kind="plan"><div class="ta-title">{esc1(plan.name)}</div>'
            f'{sector}<ul class="ta-feat">{body}</ul></div>')


def problems_html(problems: Sequence[Problem], lang: str) -> str:
    items = []
    for p in problems:
        loc, what = c.problem_parts(p, lang)
        items.append(f"<li><strong>{esc1(c.cap(loc))}</strong>: {esc1(what)}</li>")
    return (f'<div class="ta-problems"><strong>⚠ {esc1(t(lang, "problems_title"))}</strong>'
            f'<div class="ta-meta">{esc1(t(lang, "problems_intro"))}</div><ul>{"".join(items)}</ul></div>')


def matches(f: Finding, needle: str, lang: str) -> bool:
    """Text search over the finding's title, message, quote, clause and category."""
    n = needle.strip().casefold()
    if not n:
        return True
    hay = " ".join([f.title, f.message, f.quote, f.why, f.ask, f.rule_id, c.clause_name(f.clause, lang),
                    c.category_label(f.category, lang), f.clause.heading or ""]).casefold()
    return all(w in hay for w in re.split(r"\s+", n) if w)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^])")


def md(text: object) -> str:
    """Text for a Streamlit Markdown string (st.error, st.caption): every ASCII punctuation
    character backslash-escaped, so that a file name or message is shown as it is (no links,
    images, HTML, colour directives or math)."""
    return _MD_SPECIAL.sub(r"\\\1", c.one_line("" if text is None else str(text)))
