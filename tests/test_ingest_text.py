"""Ingest of text, Markdown, pasted text, HTML and DOCX; the shared normalisation."""

from __future__ import annotations

import io
import zipfile

import pytest

from tosaudit.errors import InputError
from tosaudit.ingest import load_bytes, load_path, load_text
from tosaudit.ingest.normalize import Line, assemble, clause_start, clean, join_hyphenated, starts_new_line

# --------------------------------------------------------------------------- characters


def test_clean_characters():
    raw = "Die ﬁrma ﬂiegt\u00a0ab\u2009heute; Daten\u00adsicherung \u201eZitat\u201c \u2018x\u2019 a\u0308\r\nZeile 2  \r\n"
    out = clean(raw)
    assert out == "Die firma fliegt ab heute; Datensicherung \u201eZitat\u201c \u2018x\u2019 ä\nZeile 2\n"
    assert clean("A\u2010B \u2011 C \u2212 5 \u2012 \u2013 \u2014 \u2015") == "A-B - C - 5 – – — —"
    assert clean("a\x00b\x07c\ufeffd\u200be") == "abcde"
    assert clean("a \n b") == "a\nb"


@pytest.mark.parametrize("line,kind", [
    ("§ 10 Haftung", "para"), ("§10 Haftung", "para"), ("§ 5a Widerruf", "para"),
    ("10.4 Der Anbieter", "dotted"), ("1.2.3 Text", "dotted"), ("(3) Der Kunde", "paren"),
    ("a) erstens", "letter"), ("aa) doppelt", "letter"), ("(b) text", "letter"),
    ("Ziffer 7 gilt", "named"), ("Section 12.3 Limitation", "named"), ("Art. 5 DSGVO", "named"),
    ("1. Geltung", "num"), ("I. Allgemeines", "roman"), ("IV. Schluss", "roman"), ("(iv) item", "letter"),
    ("Der Anbieter", None), ("1. Januar 2026 tritt", None), ("99.9 % Verfügbarkeit", None), ("2026 gilt", None),
])
def test_clause_start(line, kind):
    got = clause_start(line)
    assert (got is not None) == (kind is not None)
    if kind and kind != "letter":
        assert got == kind


def test_references_are_not_clause_starts():
    assert not starts_new_line("Die Haftung richtet sich nach", "§ 309 Nr. 7 BGB und gilt")
    assert not starts_new_line("Es gelten die Regeln gemäß", "§ 5 dieser Bedingungen.")
    assert not starts_new_line("Dies gilt auch im Fall des § 7 Abs.", "1. Weitere Rechte")
    assert not starts_new_line("as set out in", "Section 12.3 above.")
    assert starts_new_line("Ende des Absatzes.", "§ 5 Haftung")
    assert starts_new_line("Der Kunde ist verpflichtet:", "a) zu zahlen;")
    assert starts_new_line("zu zahlen; und", "b) zu melden.")
    assert starts_new_line("irgendein Text", "(2) Neuer Absatz")
    assert starts_new_line("irgendein Text", "• Aufzählung")


def test_join_hyphenated():
    assert join_hyphenated("Die Daten-", "sicherung ist") == "Die Datensicherung ist"
    assert join_hyphenated("Die Daten\ufffe", "sicherung ist") == "Die Datensicherung ist"
    assert join_hyphenated("die Offline-", "Nutzung") == "die Offline-Nutzung"
    assert join_hyphenated("Kunden-", "und Lieferantendaten") == "Kunden- und Lieferantendaten"
    assert join_hyphenated("im Jahr 2020-", "2021") == "im Jahr 2020-2021"
    assert join_hyphenated("ein Satz -", "und mehr") is None
    assert join_hyphenated("kein Strich", "weiter") is None


def test_assemble_lines_and_pages():
    lines = [Line("§ 1 Test", True, 1), Line("(1) Die Daten\ufffe", False, 1), Line("sicherung ist gemäß", False, 1),
             Line("§ 309 Nr. 7 BGB wichtig.", False, 2), Line("(2) Zweiter Absatz", False, 2),
             Line("a) eins", False, 3)]
    text, starts = assemble(lines, [1, 2, 3, 4])
    assert text.split("\n") == ["§ 1 Test", "(1) Die Datensicherung ist gemäß § 309 Nr. 7 BGB wichtig.",
                                "(2) Zweiter Absatz", "a) eins"]
    assert text[starts[2]:].startswith("§ 309")
    assert text[starts[3]:] == "a) eins"
    assert starts[4] == len(text)


# --------------------------------------------------------------------------- plain text, markdown, pasted


HARD_WRAPPED = """\
§ 1 Geltungsbereich

(1) Diese Allgemeinen Geschäftsbedingungen gelten für alle Verträge
zwischen der Muster GmbH und ihren Kunden über die Nutzung der Cloud-
Dienste. Abweichende Bedingungen des Kunden gelten nicht, auch wenn
der Anbieter ihnen nicht ausdrücklich widerspricht.
(2) Die Daten-
sicherung obliegt dem Kunden; die Offline-
Nutzung ist erlaubt.
"""


def test_hard_wrapped_text_is_joined():
    doc = load_bytes(HARD_WRAPPED.encode("utf-8"), "agb.txt")
    assert doc.source.kind == "text" and doc.pages == []
    assert doc.text.split("\n") == [
        "§ 1 Geltungsbereich",
        "(1) Diese Allgemeinen Geschäftsbedingungen gelten für alle Verträge zwischen der Muster GmbH und "
        "ihren Kunden über die Nutzung der Cloud-Dienste. Abweichende Bedingungen des Kunden gelten nicht, "
        "auch wenn der Anbieter ihnen nicht ausdrücklich widerspricht.",
        "(2) Die Datensicherung obliegt dem Kunden; die Offline-Nutzung ist erlaubt.",
    ]


def test_one_line_per_paragraph_text_is_kept():
    text = ("§ 3 Haftung\nDer Anbieter haftet unbeschränkt für Vorsatz und grobe Fahrlässigkeit sowie für Schäden "
            "aus der Verletzung des Lebens.\nIm Übrigen ist die Haftung ausgeschlossen.\n")
    doc = load_text(text)
    assert doc.source.kind == "pasted" and doc.source.name == "pasted text"
    assert doc.text.split("\n") == ["§ 3 Haftung",
                                    "Der Anbieter haftet unbeschränkt für Vorsatz und grobe Fahrlässigkeit sowie "
                                    "für Schäden aus der Verletzung des Lebens.",
                                    "Im Übrigen ist die Haftung ausgeschlossen."]
    assert doc.pages == []


def test_pasted_empty_is_refused():
    with pytest.raises(InputError, match="empty"):
        load_text("  \n ")


def test_cp1252_fallback_is_noted():
    doc = load_bytes("§ 1 Gebühren für Verbraucher – „neu“".encode("cp1252"), "agb.txt")
    assert doc.text == "§ 1 Gebühren für Verbraucher – „neu“"
    assert [p.kind for p in doc.problems] == ["other"]
    assert "Windows-1252" in doc.problems[0].message


def test_markdown_is_stripped_numbers_kept():
    md = """# Allgemeine Geschäftsbedingungen

## § 1 Geltung

Diese **AGB** gelten für _alle_ Verträge
mit [uns](https://example.org).

1. Erster Punkt
2. Zweiter Punkt
   - Unterpunkt mit `Code`

> (3) Zitierter Absatz

| Tarif | Preis |
|---|---|
| Basis | 5 € |

---
Ende\\*
"""
    doc = load_bytes(md.encode(), "agb.md")
    assert doc.source.kind == "markdown"
    assert doc.text.split("\n") == [
        "Allgemeine Geschäftsbedingungen", "§ 1 Geltung", "Diese AGB gelten für alle Verträge mit uns.",
        "1. Erster Punkt", "2. Zweiter Punkt", "Unterpunkt mit Code", "(3) Zitierter Absatz",
        "Tarif | Preis", "Basis | 5 €", "Ende*",
    ]


def test_binary_text_file_is_refused():
    with pytest.raises(InputError) as ei:
        load_bytes(b"abc\x00\x00\x01\x02" * 50, "agb.txt")
    assert "binary" in ei.value.reason


# --------------------------------------------------------------------------- HTML

PAGE = """<!doctype html>
<html lang="de"><head><title>AGB</title><style>.x{color:red}</style>
<script>var tracking = "Datensicherung";</script></head>
<body>
<header><div class="logo">Muster Cloud</div><nav><ul><li><a href="/">Start</a></li><li>Preise</li></ul></nav></header>
<div id="cookie-consent" class="banner">Wir verwenden Cookies. <button>Alle akzeptieren</button></div>
<aside>Newsletter abonnieren!</aside>
<main>
  <article>
    <h1>Allgemeine Geschäfts&shy;bedingungen</h1>
    <h2>§ 1 Geltungsbereich</h2>
    <p>(1) Diese Bedingungen gelten für alle
       Verträge über die Nutzung der Plattform.</p>
    <p>(2) Abweichende Bedingungen<br>gelten nicht.</p>
    <h2>§ 2 Leistungen</h2>
    <ol><li>Speicherplatz</li><li>Rechenleistung <em>nach Wahl</em>
      <ol type="a"><li>klein</li><li>groß</li></ol></li></ol>
    <ul><li>Support per E-Mail</li></ul>
    <div style="display:none">versteckter Text</div>
    <form><label>Suche</label><input name=q></form>
  </article>
</main>
<footer>© 2026 Muster Cloud · Impressum · Datenschutz</footer>
</body></html>"""


def test_html_main_text_only():
    doc = load_bytes(PAGE.encode("utf-8"), "agb.html")
    assert doc.pages == [] and doc.source.pages is None
    assert doc.source.kind == "html" and doc.source.extractor.startswith("beautifulsoup4")
    assert doc.text.split("\n") == [
        "Allgemeine Geschäftsbedingungen",
        "§ 1 Geltungsbereich",
        "(1) Diese Bedingungen gelten für alle Verträge über die Nutzung der Plattform.",
        "(2) Abweichende Bedingungen",
        "gelten nicht.",
        "§ 2 Leistungen",
        "1. Speicherplatz",
        "2. Rechenleistung nach Wahl",
        "a) klein",
        "b) groß",
        "Support per E-Mail",
    ]
    for gone in ("Cookies", "Start", "Newsletter", "Impressum", "tracking", "versteckt", "Suche", "Muster Cloud"):
        assert gone not in doc.text


def test_html_without_main_drops_page_chrome():
    html = ("<html><body><nav>Menü</nav><header>Kopf</header><h1>Terms of Service</h1>"
            "<p>1. You agree to these terms.</p><p>2. We may change them.</p><footer>Fuß</footer></body></html>")
    doc = load_bytes(html.encode(), "tos.htm")
    assert doc.text == "Terms of Service\n1. You agree to these terms.\n2. We may change them."


def test_html_keeps_collapsed_terms_and_consent_sections():
    long = "Der Anbieter darf die Preise mit einer Frist von sechs Wochen anpassen. " * 6
    html = (f"<html><body><main><h2 id='consent-to-changes'>§ 4 Zustimmung zu Änderungen</h2>"
            f"<div class='accordion-panel' hidden><p>(1) {long.strip()}</p></div>"
            f"<div class='cookie-notice'>Diese Seite nutzt Cookies.</div>"
            f"<div aria-hidden='true'>×</div><p>(2) Schluss.</p></main></body></html>")
    doc = load_bytes(html.encode(), "x.html")
    assert doc.text.split("\n") == ["§ 4 Zustimmung zu Änderungen", f"(1) {long.strip()}", "(2) Schluss."]


def test_html_charset_from_meta():
    html = '<html><head><meta charset="windows-1252"></head><body><p>Gebühr für Änderungen</p></body></html>'
    doc = load_bytes(html.encode("cp1252"), "x.html")
    assert doc.text == "Gebühr für Änderungen"


# --------------------------------------------------------------------------- DOCX


def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Allgemeine Geschäftsbedingungen", 0)
    d.add_paragraph("Geltungsbereich", style="List Number")
    d.add_paragraph("Diese AGB gelten für alle Verträge über die Nutzung der Plattform.")
    d.add_paragraph("Vertragsschluss", style="List Number")
    d.add_paragraph("Ein Punkt mit Aufzählungszeichen", style="List Bullet")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Tarif"
    t.cell(0, 1).text = "Preis"
    t.cell(1, 0).text = "Basis"
    t.cell(1, 1).text = "5 € im Monat"
    p = d.add_paragraph("(1) Erste Zeile")
    p.add_run().add_break()
    p.add_run("(2) zweite Zeile nach Umbruch")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_numbering_tables(tmp_path):
    path = tmp_path / "agb.docx"
    path.write_bytes(_docx())
    doc = load_path(path)
    assert doc.source.kind == "docx" and doc.source.extractor.startswith("python-docx")
    assert doc.text.split("\n") == [
        "Allgemeine Geschäftsbedingungen",
        "1. Geltungsbereich",
        "Diese AGB gelten für alle Verträge über die Nutzung der Plattform.",
        "2. Vertragsschluss",
        "Ein Punkt mit Aufzählungszeichen",
        "Tarif", "Preis", "Basis", "5 € im Monat",
        "(1) Erste Zeile",
        "(2) zweite Zeile nach Umbruch",
    ]


def test_docx_numbering_levels_and_formats():
    from tosaudit.ingest.docx import W, Numbering
    from lxml import etree

    xml = f"""<w:numbering xmlns:w="{W[1:-1]}">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="§ %1"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>
    </w:numbering>"""
    num = Numbering(etree.fromstring(xml), None)

    def p(level):
        return etree.fromstring(f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:numPr><w:ilvl w:val="{level}"/>'
                                f'<w:numId w:val="5"/></w:numPr></w:pPr></w:p>')

    labels = [num.label(p(lv)) for lv in (0, 1, 1, 2, 2, 0, 1)]
    assert labels == ["§ 1", "1.1", "1.2", "a)", "b)", "§ 2", "2.1"]


def test_damaged_and_foreign_office_files():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", "<x/>")
    with pytest.raises(InputError) as ei:
        load_bytes(buf.getvalue(), "agb.odt")
    assert "not a Word .docx" in ei.value.reason
    with pytest.raises(InputError) as ei:
        load_bytes(buf.getvalue(), "agb.docx")
    assert "damaged" in ei.value.reason
    with pytest.raises(InputError) as ei:
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "agb.doc")
    assert ".docx" in ei.value.reason
    with pytest.raises(InputError) as ei:
        load_bytes(b"PK\x03\x04garbage" * 20, "agb.docx")
    assert "damaged" in ei.value.reason and "\n" not in str(ei.value)
