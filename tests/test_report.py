"""Report renderers: JSON (+ schema), Markdown, terminal text, HTML, provider questions.

Reports are built by hand so these tests depend only on tosaudit.models and
tosaudit.report.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tosaudit.models import (
    CatalogueInfo,
    ClauseRef,
    FeatureEvidence,
    Finding,
    LegalRef,
    Problem,
    Profile,
    Report,
    SectorInfo,
    SourceInfo,
    Span,
)
from tosaudit.report import FormatError, json_schema, questions, questions_text, render
from tosaudit.report import common, i18n
from tosaudit.report.jsonout import schema_text
from tosaudit.report.markdown import esc

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "report.schema.json"

XSS = "<script>alert(1)</script>"
Q_BACKUP = f"The Provider makes no backups. The Customer is solely responsible for backups {XSS}."
Q_UPTIME = "… we aim for 99 % [availability](http://evil.example) *on* average | `code` _x_ …"


def _contradiction(lang: str = "en") -> Finding:
    start = 1000
    i = Q_BACKUP.index("no backups")
    return Finding(
        rule_id="data.no-backup",
        title="Keine Datensicherung durch den Anbieter" if lang == "de" else "No backups by the provider",
        category="data",
        claudette=["LTD"],
        kind="contradiction",
        severity="high",
        confidence="high",
        message="The clause excludes backups although your plan advertises daily backups.",
        why="If data is lost, you cannot demand a restore.",
        ask="Do you back up my data daily, as advertised on your product page?",
        legal_basis=[
            LegalRef(
                id="bgb-307",
                citation="§ 307 Abs. 2 Nr. 2 BGB",
                url="https://www.gesetze-im-internet.de/bgb/__307.html",
                summary="essential duties must not be hollowed out",
            )
        ],
        decisions=[LegalRef(id="evil", citation="BGH (evil link)", url="javascript:alert(1)")],
        clause=ClauseRef(
            index=12, number="10.4", ref="10.4", heading="10 Datensicherung", page=3,
            start=start, end=start + len(Q_BACKUP),
        ),
        quote=Q_BACKUP,
        spans=[Span(start=start + i, end=start + i + len("no backups"), text="no backups")],
        features=[
            FeatureEvidence(
                key="data.backup_daily",
                label="Daily backups",
                value=True,
                origin="product-page",
                source="Daily backups included | free *forever*",
                condition="must not be false",
            ),
            FeatureEvidence(key="data.backup_restore", label="Restore", value=False, origin="profile",
                            source="hoster.yaml", condition="must not be false"),
        ],
        fingerprint="f1",
    )


def _clause_unknown() -> Finding:
    # the quote is an excerpt: offsets relative to the clause do not index it
    return Finding(
        rule_id="availability.aim-for",
        title="Uptime only 'aimed for'",
        category="availability",
        kind="clause",
        severity="warning",
        confidence="medium",
        message="The provider only aims for an availability; no commitment.",
        why="Without a committed uptime there are no service credits.",
        ask="Which availability do you guarantee per month?",
        clause=ClauseRef(index=5, number="(3)", ref="§ 4 Abs. 3", heading="§ 4 Verfügbarkeit", page=2,
                         start=500, end=800),
        quote=Q_UPTIME,
        spans=[Span(start=540, end=547, text="aim for"), Span(start=900, end=905, text="99 %")],
        features=[
            FeatureEvidence(key="availability.sla_credit", label="Service credits", value="none", origin="form",
                            condition="at least 99")
        ],
        unknown_features=[
            FeatureEvidence(key="availability.sla_pct", label="Guaranteed uptime", value=None, origin="unknown",
                            condition="at least 99")
        ],
        fingerprint="f2",
    )


def _conflict() -> Finding:
    return Finding(
        rule_id="term.notice-conflict",
        title="Two different notice periods",
        category="term",
        kind="conflict",
        severity="warning",
        confidence="medium",
        message="§ 2 and § 15 state different notice periods.",
        why="Unclear terms are interpreted against the provider, but you need certainty.",
        ask="Which notice period applies to my contract?",
        clause=ClauseRef(index=2, ref="§ 2", page=1, start=100, end=117),
        quote="Notice: 1 month.",
        other_clause=ClauseRef(index=20, ref="§ 15", page=5, start=3000, end=3018),
        other_quote="Notice: 3 months.",
        spans=[Span(start=3008, end=3016, text="3 months")],
        fingerprint="f3",
    )


def _info() -> Finding:
    return Finding(
        rule_id="law.foreign",
        title="Foreign law",
        category="law",
        severity="info",
        confidence="low",
        message="Irish law applies.",
        why="Mandatory consumer law still applies.",
        ask="",
        clause=ClauseRef(index=30, start=5000, end=5030),
        quote="# Irish law\n1. applies\n- always",
        fingerprint="f4",
    )


def make_report(lang: str = "en", *, findings: list[Finding] | None = None, problems=None,
                profile: bool = True) -> Report:
    return Report(
        version="0.1.0",
        catalogue=CatalogueInfo(version="2026.11", rules=120, selected=84),
        source=SourceInfo(name="AGB Hoster.pdf", kind="pdf", sha256="0" * 64, size=1234, pages=12,
                          extractor="pdfplumber"),
        language="de",
        report_language=lang,
        pages=12,
        clauses=84,
        profile=Profile(provider="Hoster GmbH", plan="Basic") if profile else None,
        findings=[_info(), _conflict(), _clause_unknown(), _contradiction(lang)] if findings is None else findings,
        problems=[
            Problem(kind="no-text-layer", message="", page=7),
            Problem(kind="rule-timeout", message="pattern took too long", rule_id="x.slow", severity="info"),
        ]
        if problems is None
        else problems,
    )


@pytest.fixture(params=["en", "de"])
def report(request) -> Report:
    return make_report(request.param)


# --------------------------------------------------------------------------- API


def test_render_unknown_format():
    with pytest.raises(FormatError):
        render(make_report(), "pdf")
    with pytest.raises(ValueError):
        render(make_report(), "")


@pytest.mark.parametrize("fmt", ["json", "md", "markdown", "text", "txt", "html"])
def test_render_formats_are_deterministic(fmt):
    r = make_report()
    assert render(r, fmt, color=False) == render(r, fmt, color=False)


def test_i18n_tables_complete():
    assert set(i18n.STRINGS["de"]) == set(i18n.STRINGS["en"])
    assert set(i18n.PLURALS["de"]) == set(i18n.PLURALS["en"])
    from tosaudit.models import CATEGORIES

    for lang in ("de", "en"):
        assert set(i18n.CATEGORY_LABELS[lang]) == set(CATEGORIES)
    assert i18n.category("de", "liability") == "Haftung"
    assert i18n.category("en", "no-such") == "no-such"
    assert i18n.plural("en", "warning", 1) == "1 warning"
    assert i18n.plural("de", "warning", 2) == "2 Warnungen"


# --------------------------------------------------------------------------- JSON


def test_json_roundtrip(report):
    out = render(report, "json")
    again = Report.model_validate_json(out)
    assert again == report
    data = json.loads(out)
    assert list(data)[:4] == ["schema_version", "tool", "version", "catalogue"]
    assert out == report.model_dump_json(indent=2)


def test_json_validates_against_published_schema(report):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(render(report, "json")), schema)
    bad = json.loads(render(report, "json"))
    bad["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_schema_file_is_current():
    """Fails when tosaudit/models.py changed; regenerate with
    ``python -m tosaudit.report.jsonout > docs/report.schema.json``."""
    assert SCHEMA_FILE.exists(), "run: python -m tosaudit.report.jsonout > docs/report.schema.json"
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "docs/report.schema.json is stale; run: python -m tosaudit.report.jsonout > docs/report.schema.json"
    )
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_schema_header():
    s = json_schema()
    assert list(s)[:4] == ["$schema", "$id", "title", "description"]
    assert s["title"] == "tosaudit report"
    assert "findings" in s["properties"]


def test_schema_generator_cli():
    proc = subprocess.run([sys.executable, "-m", "tosaudit.report.jsonout"], capture_output=True, check=True)
    assert json.loads(proc.stdout.decode("utf-8")) == json_schema()
    assert b"RuntimeWarning" not in proc.stderr
    chk = subprocess.run([sys.executable, "-m", "tosaudit.report.jsonout", "--check", str(SCHEMA_FILE)],
                         capture_output=True)
    assert chk.returncode == 0, chk.stderr


# --------------------------------------------------------------------------- Markdown


def _sections_order(text: str, heads: list[str]) -> list[int]:
    pos = [text.index(h) for h in heads]
    return pos


def test_markdown_structure_en():
    md = render(make_report("en"), "md")
    assert md.startswith("# tosaudit report: AGB Hoster.pdf\n")
    assert "- **Source:** AGB Hoster.pdf (pdf, 1234 bytes, sha256 000000000000…)" in md
    for s in ("German", "**Pages:** 12", "**Clauses:** 84", "2026.11", "84 of 120"):
        assert s in md
    assert "1 high · 2 warnings · 1 note · 1 contradiction with your plan · 1 clause-vs-clause conflict" in md
    pos = _sections_order(md, [
        "## Contradictions with your plan (1)",
        "## Clause-vs-clause conflicts (1)",
        "## Findings (2)",
        "### Warnings (1)",
        "### Notes (1)",
        "## Problems during reading (2)",
    ])
    assert pos == sorted(pos)
    # findings numbered in display order
    assert md.index("### 1. \\[HIGH\\] No backups") < md.index("### 2. \\[WARNING\\] Two different")
    assert "#### 3. \\[WARNING\\] Uptime only 'aimed for'" in md


def test_markdown_contradiction_table():
    md = render(make_report("en"), "md")
    assert "| Clause | Your plan |\n|---|---|\n" in md
    row = next(ln for ln in md.splitlines() if ln.startswith("| **Clause 10.4**"))
    assert "page 3" in row and "10 Datensicherung" in row
    assert "«The Provider makes no backups." in row
    assert "**Daily backups**: yes — product page: «Daily backups included \\| free \\*forever\\*»" in row
    assert "the rule checks: must not be false" in row
    # second feature in the same cell; the condition shown once
    assert "<br>**Restore**: no — profile (hoster.yaml)<br>_the rule checks: must not be false_ |" in row
    assert row.count("must not be false") == 1
    # table rows have exactly 3 unescaped pipes
    for ln in md.splitlines():
        if ln.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", ln)) == 3, ln


def test_markdown_finding_details():
    md = render(make_report("en"), "md")
    assert "**Why it matters:** If data is lost" in md
    assert "- [§ 307 Abs. 2 Nr. 2 BGB](https://www.gesetze-im-internet.de/bgb/__307.html)" in md
    assert "— essential duties must not be hollowed out" in md
    # non-http links are not linked
    assert "javascript:" not in md
    assert "- BGH (evil link)" in md
    assert "**Ask the provider:** Do you back up my data daily" in md
    # unknown plan feature: the open question replaces the plain "Ask the provider" line
    assert ("**Open question: your plan's «Guaranteed uptime» is unknown — ask: "
            "Which availability do you guarantee per month?**") in md
    assert "**Ask the provider:** Which availability" not in md
    # conflict: both quotes and both clauses
    assert "Clause **§ 2**, page 1:" in md and "conflicts with **§ 15**, page 5:" in md
    assert "> Notice: 1 month." in md and "> Notice: 3 months." in md
    # a clause finding shows the known plan values and starts with a capital
    assert "**§ 4 Abs. 3**, page 2 (§ 4 Verfügbarkeit) · rule `availability.aim-for`" in md
    assert "**Your plan:** **Service credits**: none — form; _the rule checks: at least 99_" in md
    assert "**Clause 30**" not in md and "**Unnumbered clause**" in md
    # problems never hidden
    assert "- **page 7:** no text layer" in md
    assert "rule timed out — pattern took too long (rule x.slow)" in md


def test_markdown_escapes_contract_text():
    md = render(make_report("en"), "md")
    assert XSS not in md
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "[availability](http://evil.example)" not in md
    assert "\\[availability\\](http\\://evil.example)" in md
    assert "\\*on\\*" in md and "\\`code\\`" in md and "\\_x\\_" in md
    # block markers at the start of quoted lines
    assert "> \\# Irish law" in md
    assert "> 1\\. applies" in md
    assert "> \\- always" in md


def test_markdown_esc_unit():
    assert esc("a|b") == "a\\|b"
    assert esc("x<img src=x onerror=alert(1)>") == "x\\<img src=x onerror=alert(1)\\>"
    assert esc("&amp;") == "\\&amp;"
    assert esc("# h", start=True) == "\\# h"
    assert esc("2026.11") == "2026.11"
    assert esc("see https://x.example or www.x.example") == "see https\\://x.example or www\\.x.example"
    assert esc("line\nbreak\x1b[31m") == "line break\\[31m"


EVIL = [
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "see http://evil.example and www.evil.example now",
    "<http://evil.example>",
    "&lt;script&gt;",
    "`code` **bold** __u__ ~~s~~ $x$",
    "# heading\n1. item\n- item\n> quote\n    indented\n===",
    "a | b | c",
    "[ref]: http://evil.example",
]


@pytest.mark.parametrize("evil", EVIL)
def test_markdown_rendered_has_no_injected_markup(evil):
    """Rendered by a CommonMark parser with GFM tables and autolinks: no link, image,
    HTML or formatting comes from contract text."""
    markdown_it = pytest.importorskip("markdown_it")
    pytest.importorskip("linkify_it")
    f = _info().model_copy(update={"quote": evil})
    c = _contradiction().model_copy(update={"quote": evil, "features": [
        FeatureEvidence(key="a.b", label="x", value=evil, origin="product-page", source=evil)]})
    html = markdown_it.MarkdownIt("gfm-like", {"linkify": True}).render(
        render(make_report("en", findings=[f, c]), "md"))
    hrefs = re.findall(r"<a [^>]*>", html)
    assert hrefs == ['<a href="https://www.gesetze-im-internet.de/bgb/__307.html">'], hrefs
    for tag in ("<img", "<script", "<em>x", "<h1>heading", "<ol", "<pre", "<code>code", "<strong>bold",
                "<s>", "<del>"):
        assert tag not in html, tag
    # the table keeps two columns
    assert html.count("<td>") == 2


def test_markdown_german():
    md = render(make_report("de"), "md")
    assert md.startswith("# tosaudit-Bericht: AGB Hoster.pdf\n")
    for s in ("## Widersprüche zu Ihrem Tarif (1)", "| Klausel | Ihr Tarif |", "**Warum das wichtig ist:**",
              "**Rechtsgrundlage:**", "**Fragen Sie den Anbieter:**", "## Probleme beim Lesen (2)",
              "- **Seite 7:** keine Textebene", "Offene Frage: «Guaranteed uptime» ist für Ihren Tarif unbekannt",
              "**Ziffer 10.4**, Seite 3", "Offene Frage: «Guaranteed uptime» ist für Ihren Tarif unbekannt — "
              "fragen Sie: Which availability", "Daily backups**: ja — Produktseite:", "1 hoch · 2 Warnungen · 1 Hinweis"):
        assert s in md, s
    assert "Why it matters" not in md and "Your plan" not in md


def test_markdown_empty_report():
    r = make_report("en", findings=[], problems=[], profile=False)
    md = render(r, "md")
    assert "## Contradictions with your plan (0)" in md
    assert "No plan profile was given" in md
    assert "No conflicts between clauses were found." in md
    assert "## Problems during reading (0)\n\nNone." in md
    r = make_report("de", findings=[], problems=[])
    assert "Es wurden keine Widersprüche zwischen Vertrag und Tarif gefunden." in render(r, "md")
    assert "Keine." in render(r, "md")


# --------------------------------------------------------------------------- terminal


def test_text_plain_no_ansi_and_width(report):
    txt = render(report, "text", color=False)
    assert "\x1b" not in txt
    for ln in txt.splitlines():
        # only unbreakable words (URLs) may exceed the width
        if len(ln) > 100:
            assert " " not in ln.strip()[-60:] or "http" in ln, ln


def test_text_order_and_content():
    txt = render(make_report("en"), "text", color=False)
    heads = ["== Contradictions with your plan (1) ==", "== Clause-vs-clause conflicts (1) ==",
             "== Findings (2) ==", "-- Warnings (1) --", "-- Notes (1) --", "== Problems during reading (2) =="]
    pos = _sections_order(txt, heads)
    assert pos == sorted(pos)
    assert "1. [HIGH] No backups by the provider" in txt
    assert re.search(r"^   Clause    \| Clause 10\.4, page 3 \(10 Datensicherung\)$", txt, re.M)
    assert re.search(r"^   Your plan \| Daily backups: yes — product page: «Daily backups included \| free", txt, re.M)
    assert "Restore: no — profile (hoster.yaml)" in txt
    assert txt.count("the rule checks: must not be false") == 1
    assert "   Your plan | Service credits: none — form" in txt
    assert "conflicts with | § 15, page 5" in txt
    assert "<https://www.gesetze-im-internet.de/bgb/__307.html>" in txt
    assert "javascript:" not in txt
    assert ("   Open question: your plan's «Guaranteed uptime» is unknown — ask: Which availability do you\n"
            "     guarantee per month?") in txt
    assert "- page 7: no text layer" in txt
    # contract text printed as is (it is not markup here)
    assert XSS in txt


def test_text_color():
    txt = render(make_report("en"), "text", color=True)
    assert "\x1b[1;31m1. [HIGH] No backups by the provider\x1b[0m" in txt
    assert "\x1b[1;33m" in txt and "\x1b[1;36m" in txt


def test_text_strips_control_sequences():
    f = _info().model_copy(update={"quote": "evil \x1b[2J\x1b]0;pwned\x07 text", "title": "T\x1b[31m"})
    txt = render(make_report("en", findings=[f]), "text", color=False)
    assert "\x1b" not in txt and "\x07" not in txt
    assert "evil [2J]0;pwned text" in txt


def test_text_color_auto(monkeypatch):
    r = make_report("en")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in render(r, "text")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert "\x1b[" in render(r, "text")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert "\x1b" not in render(r, "text")


def test_text_german():
    txt = render(make_report("de"), "text", color=False)
    assert "== Widersprüche zu Ihrem Tarif (1) ==" in txt
    assert "Ihr Tarif | Daily backups: ja — Produktseite:" in txt
    assert "- Seite 7: keine Textebene" in txt


# --------------------------------------------------------------------------- HTML


def test_html_standalone_and_escaped(report):
    h = render(report, "html")
    assert h.startswith("<!DOCTYPE html>")
    assert f'<html lang="{report.report_language}">' in h
    assert "<style>" in h
    assert "<script" not in h
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    assert "javascript:" not in h
    assert not re.search(r"""(src|href)=["']?(?!['"]?https://www\.gesetze-im-internet\.de)""", h)
    assert "Content-Security-Policy" in h


def test_html_content_order():
    h = render(make_report("en"), "html")
    pos = _sections_order(h, ['id="contradictions"', 'id="conflicts"', 'id="findings"',
                              'id="severity-warning"', 'id="severity-info"', 'id="problems"'])
    assert pos == sorted(pos)
    assert "<th>Clause</th><th>Your plan</th>" in h
    assert "<strong>Daily backups</strong>: yes — product page: «Daily backups included | free *forever*»" in h
    assert '<a href="https://www.gesetze-im-internet.de/bgb/__307.html" rel="noopener noreferrer">' in h
    assert "<li>BGH (evil link)</li>" in h
    assert '<div class="plan"><strong>Your plan:</strong><ul><li><strong>Service credits</strong>: none — form' in h
    assert '<span class="where">Unnumbered clause</span>' in h
    assert ('<p class="open"><strong>Open question: your plan&#x27;s «Guaranteed uptime» is unknown — ask: '
            "Which availability do you guarantee per month?</strong></p>") in h
    assert "<strong>page 7:</strong> no text layer" in h
    assert "[availability](http://evil.example)" in h  # shown as text, not a link
    assert 'href="http://evil.example"' not in h


def test_html_highlight_full_clause_and_excerpt():
    h = render(make_report("en"), "html")
    # quote == clause text: offsets relative to clause.start
    assert "The Provider makes <mark>no backups</mark>." in h
    # excerpt: span text searched in the quote; span outside the clause ignored
    assert "we <mark>aim for</mark> 99 %" in h
    assert "<mark>99 %</mark>" not in h
    # conflict: span belongs to the other clause
    assert "Notice: <mark>3 months</mark>." in h
    assert "Notice: 1 month." in h


def test_highlight_ranges_unit():
    ref = ClauseRef(index=0, start=100, end=200)
    spans = [Span(start=110, end=115, text="hello"), Span(start=112, end=120, text="llo wor"),
             Span(start=150, end=155, text="absent"), Span(start=90, end=95, text="before")]
    quote = "0123456789hello world"
    assert common.highlight_ranges(quote, ref, spans) == [(10, 19)]
    # excerpt with different whitespace
    assert common.highlight_ranges("… the  provider\nmay …", ref,
                                   [Span(start=130, end=142, text="provider may")]) == [(7, 19)]


def test_html_marks_escaped_text_inside():
    start = 0
    q = "a <b> c"
    f = _info().model_copy(update={
        "clause": ClauseRef(index=1, start=start, end=len(q)), "quote": q,
        "spans": [Span(start=2, end=5, text="<b>")]})
    h = render(make_report("en", findings=[f]), "html")
    assert "a <mark>&lt;b&gt;</mark> c" in h


@pytest.mark.parametrize("evil", EVIL + ['"><script>alert(1)</script>', "' onmouseover='alert(1)"])
def test_html_rendered_has_no_injected_markup(evil):
    from html.parser import HTMLParser

    f = _info().model_copy(update={"quote": evil, "clause": ClauseRef(index=1, ref=evil, heading=evil, start=0,
                                                                           end=len(evil))})
    c = _contradiction().model_copy(update={"title": evil, "message": evil, "features": [
        FeatureEvidence(key="a.b", label=evil, value=evil, origin="product-page", source=evil)]})
    r = make_report("en", findings=[f, c], problems=[Problem(kind="other", message=evil, page=1)])
    r = r.model_copy(update={"source": r.source.model_copy(update={"name": evil})})
    tags: list[tuple[str, list]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    P().feed(render(r, "html"))
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "dl", "dt",
               "dd", "p", "strong", "section", "article", "span", "table", "thead", "tbody", "tr", "th", "td",
               "blockquote", "mark", "ul", "li", "a", "code", "br", "div"}
    assert {t for t, _ in tags} <= allowed
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value == "https://www.gesetze-im-internet.de/bgb/__307.html"


def test_html_german():
    h = render(make_report("de"), "html")
    assert "<th>Klausel</th><th>Ihr Tarif</th>" in h
    assert "Probleme beim Lesen (2)" in h


# --------------------------------------------------------------------------- questions


def test_questions_text_en():
    q = questions_text(make_report("en"))
    lines = q.splitlines()
    assert lines[0] == "Dear Sir or Madam,"
    assert "AGB Hoster.pdf" in lines[2] and "«Basic»" in lines[2]
    numbered = [ln for ln in lines if re.match(r"^\d+\. ", ln)]
    assert numbered == [
        "1. Do you back up my data daily, as advertised on your product page? (clause 10.4, page 3)",
        "2. Which notice period applies to my contract? (§ 2, page 1; § 15, page 5)",
        "3. Which availability do you guarantee per month? (§ 4 Abs. 3, page 2)",
    ]
    assert lines[-1] == "Kind regards"


def test_questions_text_de_and_merge():
    twin = _contradiction("de").model_copy(update={
        "clause": ClauseRef(index=40, ref="§ 12", page=9, start=9000, end=9100), "fingerprint": "f5"})
    r = make_report("de", findings=[_contradiction("de"), twin])
    q = questions_text(r)
    assert q.startswith("Sehr geehrte Damen und Herren,\n")
    assert "Mit freundlichen Grüßen" in q
    assert ("1. Do you back up my data daily, as advertised on your product page? "
            "(Ziffer 10.4, Seite 3; § 12, Seite 9)") in q
    assert "\n2. " not in q
    assert len(questions(r)) == 1


def test_questions_text_none():
    q = questions_text(make_report("en", findings=[_info()]))
    assert "(The audit found nothing to ask about.)" in q
    assert not re.search(r"^\d+\. ", q, re.M)


def test_page_less_source():
    f = _info()
    r = make_report("en", findings=[f.model_copy(update={"ask": "Why Irish law?"})])
    assert "1. Why Irish law? (unnumbered clause)" in questions_text(r)


def test_conflict_without_other_clause():
    f = _conflict().model_copy(update={"other_clause": None, "other_quote": None})
    r = make_report("en", findings=[f])
    for fmt in ("md", "text", "html"):
        out = render(r, fmt, color=False)
        assert "Notice: 1 month." in out
        assert "conflicts with" not in out
    assert "> \n" not in render(r, "md")


def test_model_construct_report_is_sorted():
    r = make_report("en")
    raw = Report.model_construct(**{**dict(r), "findings": list(reversed(r.findings))})
    assert render(raw, "md") == render(r, "md")


def test_unknown_features_without_ask():
    two = [
        FeatureEvidence(key="a.x", label="Daily backups", value=None, origin="unknown"),
        FeatureEvidence(key="a.y", label="Restore", value=None, origin="unknown"),
    ]
    f = _clause_unknown().model_copy(update={"ask": "", "unknown_features": two})
    r = make_report("en", findings=[f])
    md = render(r, "md")
    assert ("Open question: your plan's «Daily backups» and «Restore» are unknown — ask: "
            "What does my plan offer regarding «Daily backups» and «Restore»?") in md
    assert "Ask the provider" not in md
    assert "1. What does my plan offer regarding «Daily backups» and «Restore»? (§ 4 Abs. 3, page 2)" in \
        questions_text(r)
    de = render(make_report("de", findings=[f]), "md")
    assert ("Offene Frage: «Daily backups» und «Restore» sind für Ihren Tarif unbekannt — fragen Sie: "
            "Was bietet mein Tarif bei «Daily backups» und «Restore»?") in de


# --------------------------------------------------------------------------- sector


def _with_sector(lang: str, skipped: list[str], conflicts: list[str] | None = None) -> Report:
    label = {"en": "web hosting", "de": "Webhosting"}[lang]
    sector = SectorInfo(id="hosting", label=label, skipped_rules=skipped, skipped_count=len(skipped),
                        skipped_conflicts=conflicts or [])
    return make_report(lang).model_copy(update={"sector": sector})


def test_no_sector_no_sector_line():
    for fmt in ("md", "html", "text"):
        out = render(make_report("en"), fmt, color=False)
        assert "Sector" not in out and "left out" not in out


@pytest.mark.parametrize("lang,want", [
    ("en", "web hosting — 2 rules written only for other sectors were not run: speed-no-minimum, warranty-restricted"),
    ("de", "Webhosting — 2 Regeln, die nur für andere Branchen geschrieben sind, wurden nicht angewendet: "
           "speed-no-minimum, warranty-restricted"),
])
def test_sector_line_in_every_format(lang, want):
    r = _with_sector(lang, ["speed-no-minimum", "warranty-restricted"])
    head = "Sector" if lang == "en" else "Branche"
    md = render(r, "md")
    assert f"- **{head}:** {esc(want)}" in md
    assert md.count(head + ":") == 1
    html = render(r, "html")
    assert f"<dt>{head}</dt><dd>{want}</dd>" in html
    text = " ".join(render(r, "text", color=False).split())
    assert f"{head}: {want}" in text


def test_sector_line_singular_none_and_conflicts():
    r = _with_sector("en", ["speed-no-minimum"], ["availability-figure-conflict"])
    line = common.sector_text(r.sector, "en")
    assert line == ("web hosting — 1 rule written only for other sectors was not run: speed-no-minimum; so 1 "
                    "clause-vs-clause check that needs them did not run either: availability-figure-conflict")
    assert common.sector_text(_with_sector("de", []).sector, "de").startswith("Webhosting — keine Regel ausgelassen")


def test_sector_json_roundtrip_and_schema():
    r = _with_sector("en", ["speed-no-minimum"])
    out = render(r, "json")
    assert Report.model_validate_json(out) == r
    data = json.loads(out)
    assert data["sector"] == {"id": "hosting", "label": "web hosting", "skipped_rules": ["speed-no-minimum"],
                              "skipped_count": 1, "skipped_conflicts": []}
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    data["sector"]["skipped_count"] = "one"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    with pytest.raises(ValueError, match="skipped_count"):
        SectorInfo(id="hosting", label="x", skipped_rules=["a"], skipped_count=2)
