"""PDF ingest: pages, columns, headers/footers, hyphens, bad files.  PDFs are written with fpdf2."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pdfs  # noqa: E402
from pdfs import SHY, Writer, agb_pdf, intact_share, simple_pdf  # noqa: E402

from tosaudit.errors import InputError  # noqa: E402
from tosaudit.ingest import load_bytes, load_path  # noqa: E402
from tosaudit.ingest.pdf import read_pdf  # noqa: E402

HEADER = "Muster Cloud GmbH · Allgemeine Geschäftsbedingungen"
FOOTER = "Stand: 1. März 2026"


def para(tag: str, n: int = 40) -> str:
    words = ("Der Anbieter stellt dem Kunden Speicherplatz bereit und sichert die Daten "
             "täglich auf Servern in Deutschland gemäß den vereinbarten Bedingungen").split()
    return f"{tag} " + " ".join(words[i % len(words)] for i in range(n)) + "."


def check_text_contract(text: str) -> None:
    assert text == unicodedata.normalize("NFC", text)
    for bad in ("\r", " \n", "\n ", "  ", "\u00ad", "\ufffe", "\x02", "\u00a0", "\ufb01", "\ufb02", "\t"):
        assert bad not in text, repr(bad)
    assert text == text.strip()


def check_spans(doc) -> None:
    check_text_contract(doc.text)
    assert doc.pages, "a PDF always has pages"
    assert doc.pages[0].start == 0
    assert doc.pages[-1].end == len(doc.text)
    for a, b in zip(doc.pages, doc.pages[1:]):
        assert a.end == b.start and a.start <= a.end
        assert b.number == a.number + 1


def one_line_reason(e: InputError) -> str:
    msg = str(e)
    assert "\n" not in msg and "Traceback" not in msg
    assert ";" in e.reason or "(" in e.reason  # says what is wrong and what to do
    return e.reason


# --------------------------------------------------------------------------- pages, header, footer


def test_pages_headers_footers_and_page_numbers():
    pages = [[f"# § {i} Abschnitt {i}", para(f"(1) Marke{i}A"), para(f"(2) Marke{i}B", 25)] for i in (1, 2, 3, 4)]
    data = simple_pdf(pages, header=HEADER, footer=FOOTER, page_numbers="Seite {page} von {pages}")
    seen = []
    doc = load_bytes(data, "agb.pdf", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert doc.source.kind == "pdf" and doc.source.pages == 4 and len(doc.pages) == 4
    assert doc.source.extractor.startswith("pypdfium2")
    assert doc.source.size == len(data) and len(doc.source.sha256) == 64
    check_spans(doc)
    for i in (1, 2, 3, 4):
        for m in (f"Marke{i}A", f"Marke{i}B"):
            off = doc.text.index(m)
            assert doc.page_at(off) == i
        span = doc.pages[i - 1]
        assert f"§ {i} Abschnitt {i}" in doc.text[span.start:span.end]
    assert "Muster Cloud" not in doc.text
    assert "Stand:" not in doc.text
    assert "Seite" not in doc.text and "von 4" not in doc.text
    # every paragraph, heading and clause on its own line, intact
    lines = doc.text.split("\n")
    assert "§ 2 Abschnitt 2" in lines
    assert para("(1) Marke3A") in lines
    assert not any(ln.endswith(" ") for ln in lines)
    assert not doc.problems


def test_lone_page_numbers_dropped():
    pages = [[para(f"(1) Text{i}")] for i in (1, 2, 3)]
    doc = load_bytes(simple_pdf(pages, page_numbers="- {page} -"), "x.pdf")
    assert doc.text.split("\n") == [para(f"(1) Text{i}") for i in (1, 2, 3)]
    doc = load_bytes(simple_pdf(pages, page_numbers="{page}"), "x.pdf")
    assert doc.text.split("\n") == [para(f"(1) Text{i}") for i in (1, 2, 3)]


def test_umlauts_survive():
    text = "(1) Für Verbraucher gelten die gesetzlichen Gewährleistungsrechte; Maße und Größen ändern sich nicht."
    doc = load_bytes(simple_pdf([[text]]), "x.pdf")
    assert doc.text == text


def test_paragraph_continues_across_pages():
    long = para("(1) Anfang", 200)
    w = Writer()
    w.new_page()
    lines = w.wrap(long, w.col_width())
    k = len(lines) // 2  # page 1 ends with a full line in the middle of the paragraph
    doc = load_bytes(simple_pdf([[" ".join(lines[:k])], [" ".join(lines[k:])]]), "x.pdf")
    assert doc.text == long
    check_spans(doc)
    # the split falls mid-paragraph: the second page's text continues the line
    assert doc.text.count("\n") == 0
    assert doc.page_at(len(doc.text) - 1) == 2


# --------------------------------------------------------------------------- columns


@pytest.mark.parametrize("interleave", [False, True], ids=["column-order", "row-order"])
def test_two_columns_in_reading_order(interleave):
    paras = ["# § 7 Haftung"] + [para(f"({i}) Absatz{i}", 30) for i in range(1, 7)]
    data = simple_pdf([[para("(1) Vorher", 30)], paras], two_column={2}, interleave=interleave,
                      header=HEADER, page_numbers="Seite {page} von {pages}")
    doc = load_bytes(data, "x.pdf")
    lines = doc.text.split("\n")
    expected = [para("(1) Vorher", 30), "§ 7 Haftung"] + [para(f"({i}) Absatz{i}", 30) for i in range(1, 7)]
    assert lines == expected
    assert doc.page_at(doc.text.index("Absatz6")) == 2


@pytest.mark.parametrize("interleave", [False, True], ids=["column-order", "row-order"])
def test_generated_agb_with_two_column_pages_intact(interleave):
    data, layout = agb_pdf(6, page_kind=lambda n: "two" if n % 2 == 0 else "one", interleave=interleave)
    doc = load_bytes(data, "agb.pdf")
    share, misses = intact_share(doc.text, layout.blocks)
    assert share == 1.0, misses[:3]
    check_spans(doc)
    for pl in layout.lines[::7]:
        # a line the writer put on page N is found on page N
        off = doc.text.find(pl.text.rstrip("-")[:40])
        if off >= 0 and doc.text.count(pl.text.rstrip("-")[:40]) == 1:
            assert doc.page_at(off) == pl.page


def test_pdfplumber_engine_gives_the_same_text():
    data, layout = agb_pdf(2, page_kind=lambda n: "two" if n == 2 else "one", interleave=True)
    a = read_pdf(data, "x.pdf", engine="pypdfium2")
    b = read_pdf(data, "x.pdf", engine="pdfplumber")
    assert b[3].startswith("pdfplumber")
    assert intact_share(b[0], layout.blocks)[0] == 1.0
    assert a[0] == b[0]


# --------------------------------------------------------------------------- hyphens


def _line_end_case(word: str, tail: str, end_marker: str) -> str:
    """Filler words + ``word`` so that the writer breaks the line right at ``end_marker``."""
    w = Writer()
    w.new_page()
    for n in range(1, 30):
        for m in range(0, 6):
            text = "(1) " + "Wort " * n + "ab " * m + word + " " + tail
            lines = w.wrap(text, w.col_width())
            if lines[0].endswith(end_marker):
                return text
    raise AssertionError("no filler length puts the break there")


def test_dehyphenation_at_line_ends():
    t1 = _line_end_case("Daten\u00adsicherung", "ist Sache des Kunden.", "Daten" + SHY)
    t2 = _line_end_case("Offline-\u00adNutzung", "ist erlaubt.", "Offline-" + SHY)
    t3 = _line_end_case("Kunden-", "und Lieferantendaten werden gespeichert.", "Kunden-")
    doc = load_bytes(simple_pdf([[t1, t2, t3]]), "x.pdf")
    lines = doc.text.split("\n")
    assert lines[0].endswith(" Datensicherung ist Sache des Kunden.")
    assert lines[1].endswith(" Offline-Nutzung ist erlaubt.")
    assert lines[2].endswith(" Kunden- und Lieferantendaten werden gespeichert.")
    assert "\ufffe" not in doc.text and "\x02" not in doc.text


# --------------------------------------------------------------------------- problems and bad input


def test_image_only_page_among_text_pages():
    data = simple_pdf([[para("(1) Eins")], "image", [para("(2) Drei")], "blank", [para("(3) Fünf")]])
    doc = load_bytes(data, "x.pdf")
    check_spans(doc)
    assert len(doc.pages) == 5
    assert [(p.kind, p.page) for p in doc.problems] == [("no-text-layer", 2)]
    assert doc.pages[1].start == doc.pages[1].end  # the image page holds no text
    assert doc.page_at(doc.text.index("Drei")) == 3
    assert doc.page_at(doc.text.index("Fünf")) == 5


def test_scanned_page_with_stamped_header_and_page_number():
    pages = [[para("(1) Eins")], "image-stamped", [para("(2) Drei")], "image-caption", [para("(3) Fünf")]]
    doc = load_bytes(simple_pdf(pages, header=HEADER, page_numbers="Seite {page} von {pages}"), "x.pdf")
    assert [(p.kind, p.page) for p in doc.problems] == [("no-text-layer", 2), ("no-text-layer", 4)]
    assert "Seite" not in doc.text and "Muster" not in doc.text
    assert "Abbildung 1" in doc.text
    check_spans(doc)


def test_scan_only_pdf_is_refused():
    with pytest.raises(InputError) as ei:
        load_bytes(simple_pdf(["image", "image"]), "scan.pdf")
    assert "no page has a text layer" in one_line_reason(ei.value)
    assert "OCR" in ei.value.reason


def test_encrypted_pdf_is_refused():
    data = simple_pdf([[para("(1) Geheim")]], encrypt=("owner-pw", "user-pw"))
    with pytest.raises(InputError) as ei:
        load_bytes(data, "locked.pdf")
    assert "encrypted" in one_line_reason(ei.value)
    assert ei.value.source == "locked.pdf"
    with pytest.raises(InputError, match="encrypted"):
        read_pdf(data, "locked.pdf", engine="pdfplumber")


def test_owner_password_only_pdf_is_read():
    # no user password: viewers open it without asking, so do we
    data = simple_pdf([[para("(1) Offen")]], encrypt=("owner-pw", ""))
    assert "Offen" in load_bytes(data, "x.pdf").text


@pytest.mark.parametrize("cut", [0.9, 0.5, 0.05])
def test_truncated_pdf_is_refused(cut):
    data = simple_pdf([[para("(1) Eins")], [para("(2) Zwei")]])
    with pytest.raises(InputError) as ei:
        load_bytes(data[: int(len(data) * cut)], "cut.pdf")
    assert "damaged" in one_line_reason(ei.value)


def test_garbage_named_pdf_is_refused():
    with pytest.raises(InputError) as ei:
        load_bytes(b"\x00\x01garbage" * 100, "x.pdf")
    assert "damaged" in one_line_reason(ei.value)
    with pytest.raises(InputError) as ei:
        load_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100, "x.pdf")
    assert "damaged" in one_line_reason(ei.value)


def test_empty_and_unknown_files(tmp_path):
    for data in (b"", b"   \n"):
        with pytest.raises(InputError) as ei:
            load_bytes(data, "x.pdf")
        assert "empty" in one_line_reason(ei.value)
    p = tmp_path / "terms.xyz"
    p.write_bytes(b"\x13\x37binary\x00\x00stuff")
    with pytest.raises(InputError) as ei:
        load_path(p)
    reason = one_line_reason(ei.value)
    assert "unknown file type '.xyz'" in reason and "PDF, HTML, DOCX, TXT and MD" in reason
    with pytest.raises(InputError) as ei:
        load_path(tmp_path / "missing.pdf")
    assert "not found" in ei.value.reason
    with pytest.raises(InputError):
        load_path(tmp_path)


def test_load_path_reads_pdf_by_magic_bytes(tmp_path):
    p = tmp_path / "agb"  # no suffix
    p.write_bytes(simple_pdf([[para("(1) Magie")]]))
    doc = load_path(p)
    assert doc.source.kind == "pdf" and doc.source.name == "agb"
    assert "Magie" in doc.text


def test_progress_callback_errors_pass_through():
    class Stop(Exception):
        pass

    def progress(done, total):
        if done == 2:
            raise Stop()

    with pytest.raises(Stop):
        load_bytes(simple_pdf([[para("(1) A")], [para("(2) B")], [para("(3) C")]]), "x.pdf", progress=progress)


def test_garbled_text_layer_is_flagged():
    junk = " ".join(["#%&/ 1234 ** 5678 +-+"] * 12)
    doc = load_bytes(simple_pdf([[para("(1) Gut")], [junk]]), "x.pdf")
    assert [(p.kind, p.page) for p in doc.problems] == [("ocr-suspect", 2)]


def test_page_pdfium_cannot_read_falls_back_to_pdfplumber(monkeypatch):
    import tosaudit.ingest.pdf as pdf_mod

    real = pdf_mod._pdfium_words
    calls = {"n": 0}

    def flaky(textpage, raw_mod, top, left):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(textpage, raw_mod, top, left)

    monkeypatch.setattr(pdf_mod, "_pdfium_words", flaky)
    doc = load_bytes(simple_pdf([[para("(1) Eins")], [para("(2) Zwei")], [para("(3) Drei")]]), "x.pdf")
    assert doc.text.split("\n") == [para("(1) Eins"), para("(2) Zwei"), para("(3) Drei")]
    assert doc.source.extractor.startswith("pypdfium2") and "pdfplumber" in doc.source.extractor
    assert doc.problems == []
    assert doc.page_at(doc.text.index("Zwei")) == 2


def test_file_pdfium_refuses_is_read_with_pdfplumber(monkeypatch):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw_mod

    def refuse(*a, **k):
        raise pdfium.PdfiumError("Failed to load document", err_code=raw_mod.FPDF_ERR_FORMAT)

    monkeypatch.setattr(pdfium, "PdfDocument", refuse)
    doc = load_bytes(simple_pdf([[para("(1) Eins")], [para("(2) Zwei")]]), "x.pdf")
    assert doc.source.extractor.startswith("pdfplumber")
    assert doc.text.split("\n") == [para("(1) Eins"), para("(2) Zwei")]
    assert [p.kind for p in doc.problems] == ["damaged"]


def test_helper_module_is_importable():
    assert hasattr(pdfs, "agb_blocks")
