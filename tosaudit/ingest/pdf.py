"""PDF -> Document.

Fast path: pypdfium2 (a pdfplumber dependency).  Per page we take the page text
in one call (``get_text_range``), split it into words, and ask PDFium for the
loose box of each word's first and last character: two calls per word instead
of one per character.  The words go through our own layout code
(:mod:`tosaudit.ingest.layout`): running headers and footers, columns, lines,
paragraphs.  Every page and text page is closed right after use.

Fallback: pdfplumber (pdfminer.six), word boxes from ``extract_words`` fed to the
same layout code, each page closed after use.  It is used for a page that
PDFium cannot read, and for a whole file that PDFium refuses for a reason other
than a password.  ``TOSAUDIT_PDF_ENGINE=pdfplumber`` forces it (benchmarks).

Why: see docs/BENCHMARKS.md ("Why this extractor").
"""

from __future__ import annotations

import ctypes
import io
import os
import re
from typing import Callable

from tosaudit.errors import InputError
from tosaudit.ingest.layout import PageGeom, drop_running, pieces_from_words, to_lines
from tosaudit.ingest.normalize import assemble, spans_from_starts
from tosaudit.models import Problem

Progress = Callable[[int, int], None] | None

_WORD = re.compile(r"[^\s\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]")
_LETTER = re.compile(r"[^\W\d_]")

ENCRYPTED = "the PDF is encrypted; open it, save an unprotected copy and try again"
DAMAGED = "the file is damaged (not a readable PDF); open it in a PDF viewer, save a new copy and try again"
NO_TEXT = "no page has a text layer (a scan?); run OCR on it first"


def _versions() -> tuple[str, str]:
    try:
        import pypdfium2

        v1 = f"pypdfium2 {pypdfium2.version.PYPDFIUM_INFO}"
    except Exception:  # pragma: no cover
        v1 = "pypdfium2"
    try:
        import pdfplumber

        v2 = f"pdfplumber {pdfplumber.__version__}"
    except Exception:  # pragma: no cover
        v2 = "pdfplumber"
    return v1, v2


class PdfResult:
    def __init__(self):
        self.pages: list[PageGeom] = []
        self.problems: list[Problem] = []
        self.extractors: list[str] = []


# ----------------------------------------------------------------------------- pypdfium2


def _pdfium_words(textpage, raw_mod, top_y: float, left_x: float):
    """(text, x0, x1, top, bottom) for each word of a text page, in content order."""
    raw = textpage.raw
    n = raw_mod.FPDFText_CountChars(raw)
    if n <= 0:
        return [], ""
    text = textpage.get_text_range()
    if len(text) != n:
        # rare: text and char indices differ; read char by char
        gu = raw_mod.FPDFText_GetUnicode
        text = "".join(chr(c) if 0 < (c := gu(raw, i)) < 0x110000 and not (0xD800 <= c < 0xE000) else " "
                       for i in range(n))
    rect = raw_mod.FS_RECTF()
    ref = ctypes.byref(rect)
    loose = raw_mod.FPDFText_GetLooseCharBox
    words = []
    append = words.append
    for m in _WORD.finditer(text):
        s, e = m.span()
        if not loose(raw, s, ref):
            continue
        x0, t, b = rect.left, rect.top, rect.bottom
        if e - 1 != s:
            if not loose(raw, e - 1, ref):
                continue
        x1 = rect.right
        if x1 < x0:  # right-to-left or rotated: keep the box sane
            x0, x1 = x1, x0
        top, bottom = top_y - t, top_y - b
        if bottom < top:
            top, bottom = bottom, top
        append((m.group(), x0 - left_x, x1 - left_x, top, bottom))
    return words, text


def _image_share(page, raw_mod) -> float | None:
    """Share of the page covered by its largest image or path group; None if the page draws nothing."""
    try:
        left, bottom, right, top = page.get_bbox()
        area = max((right - left) * (top - bottom), 1.0)
        best = None
        for obj in page.get_objects(max_depth=2):
            if obj.type == raw_mod.FPDF_PAGEOBJ_TEXT:
                continue
            try:
                l, b, r, t = obj.get_bounds()
            except Exception:
                continue
            share = max(0.0, (min(r, right) - max(l, left)) * (min(t, top) - max(b, bottom))) / area
            best = share if best is None else max(best, share)
        return best
    except Exception:
        return None


def _check_text_layers(data: bytes, pages: list[PageGeom], res: PdfResult) -> None:
    """After headers and footers are gone: pages without body text that draw something
    (a scan, text as outlines), and pages that are mostly one picture with a few words."""
    suspects = [pg for pg in pages if sum(len(p.text) for p in pg.pieces) < 200]
    if not suspects or len(suspects) == len(pages) and not any(pg.pieces for pg in pages):
        return
    failed = {p.page for p in res.problems if p.kind == "page-error"}
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw_mod

        pdf = pdfium.PdfDocument(data)
    except Exception:
        return
    try:
        for pg in suspects:
            if pg.number in failed:
                continue
            page = pdf[pg.number - 1]
            try:
                share = _image_share(page, raw_mod)
            finally:
                page.close()
            if share is None:
                continue  # a blank page
            if not pg.pieces:
                res.problems.append(_no_text(pg.number))
            elif share > 0.5:
                res.problems.append(Problem(
                    kind="no-text-layer", page=pg.number,
                    message=f"page {pg.number} is mostly a picture with little text (a scan?); "
                            "its text may be missing, run OCR on the file"))
    finally:
        pdf.close()


def _extract_pdfium(data: bytes, name: str, progress: Progress, res: PdfResult) -> bool:
    """Fill ``res`` with pypdfium2; False if PDFium cannot open the file (not encrypted)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw_mod

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (raw_mod.FPDF_ERR_PASSWORD, raw_mod.FPDF_ERR_SECURITY):
            raise InputError(name, ENCRYPTED) from None
        return False
    except Exception:
        return False
    failed: list[int] = []
    try:
        n = len(pdf)
        for i in range(n):
            page = textpage = None
            geom = PageGeom(i + 1, 0.0, 0.0)
            try:
                page = pdf[i]
                left, bottom, right, top = page.get_bbox()
                geom.width, geom.height = right - left, top - bottom
                textpage = page.get_textpage()
                words, text = _pdfium_words(textpage, raw_mod, top, left)
                geom.pieces = pieces_from_words(words)
                if geom.pieces:
                    _check_garbage(text, i + 1, res)
            except Exception as e:  # a page PDFium cannot read: try pdfplumber on it
                failed.append(i)
                res.problems.append(Problem(kind="page-error", page=i + 1,
                                            message=f"page {i + 1} could not be read by PDFium ({type(e).__name__})"))
            finally:
                if textpage is not None:
                    textpage.close()
                if page is not None:
                    page.close()
            res.pages.append(geom)
            if progress:
                progress(i + 1, n)
    finally:
        pdf.close()
    res.extractors.append(_versions()[0])
    if failed:
        _retry_with_pdfplumber(data, name, failed, res)
    return True


def _retry_with_pdfplumber(data: bytes, name: str, failed: list[int], res: PdfResult) -> None:
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in failed:
                page = pdf.pages[i]
                try:
                    res.pages[i] = _plumber_page(page, i + 1)
                finally:
                    page.close()
                res.problems = [p for p in res.problems if not (p.kind == "page-error" and p.page == i + 1)]
        res.extractors.append(_versions()[1])
    except Exception:
        pass  # the page-error problems stay in the report


# ----------------------------------------------------------------------------- pdfplumber


def _plumber_page(page, number: int) -> PageGeom:
    words = page.extract_words(use_text_flow=True, keep_blank_chars=False, x_tolerance=1.5)
    ws = [(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"])) for w in words]
    geom = PageGeom(number, float(page.width), float(page.height))
    geom.pieces = pieces_from_words(ws)
    return geom


def _extract_pdfplumber(data: bytes, name: str, progress: Progress, res: PdfResult) -> None:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        inner = e.args[0] if e.args else None
        if "Password" in type(inner).__name__ or "Encrypt" in type(inner).__name__:
            raise InputError(name, ENCRYPTED) from None
        raise InputError(name, DAMAGED) from None
    except Exception:
        raise InputError(name, DAMAGED) from None
    try:
        try:
            n = len(pdf.pages)
        except Exception:
            raise InputError(name, DAMAGED) from None
        for i in range(n):
            page = None
            try:
                page = pdf.pages[i]
                geom = _plumber_page(page, i + 1)
            except InputError:
                raise
            except Exception as e:
                geom = PageGeom(i + 1, 0.0, 0.0)
                res.problems.append(Problem(kind="page-error", page=i + 1,
                                            message=f"page {i + 1} could not be read ({type(e).__name__})"))
            finally:
                if page is not None:
                    page.close()
            res.pages.append(geom)
            if progress:
                progress(i + 1, n)
    finally:
        pdf.close()
    res.extractors.append(_versions()[1])


# ----------------------------------------------------------------------------- checks


def _no_text(page: int) -> Problem:
    return Problem(kind="no-text-layer", page=page,
                   message=f"page {page} has no text layer (an image or a scan); its text is missing, run OCR on the file")


_ODD = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]")
_SPACE = re.compile(r"\s+")


def _check_garbage(text: str, page: int, res: PdfResult) -> None:
    """A text layer that is mostly not letters, or full of unmapped glyphs, is suspect."""
    n = len(text) - sum(len(m) for m in _SPACE.findall(text))
    if n < 40:
        return
    letters = len(_LETTER.findall(text))
    odd = len(_ODD.findall(text))
    if letters < 0.3 * n or odd > 0.1 * n:
        res.problems.append(Problem(kind="ocr-suspect", page=page,
                                    message=f"page {page}: the text layer looks garbled (broken font encoding or poor OCR)"))


# ----------------------------------------------------------------------------- entry point


def read_pdf(data: bytes, name: str, *, progress: Progress = None, engine: str | None = None):
    """PDF bytes -> (text, page spans, problems, extractor, page count)."""
    engine = engine or os.environ.get("TOSAUDIT_PDF_ENGINE", "pypdfium2")
    res = PdfResult()
    if engine == "pdfplumber":
        _extract_pdfplumber(data, name, progress, res)
    elif not _extract_pdfium(data, name, progress, res):
        res = PdfResult()
        _extract_pdfplumber(data, name, progress, res)
        res.problems.insert(0, Problem(kind="damaged", severity="warning",
                                       message="PDFium could not open the file; it was read with pdfplumber instead"))
    if not res.pages:
        raise InputError(name, DAMAGED)
    if not any(pg.pieces for pg in res.pages):
        raise InputError(name, NO_TEXT)
    drop_running(res.pages)
    if not any(pg.pieces for pg in res.pages):
        raise InputError(name, NO_TEXT)
    _check_text_layers(data, res.pages, res)
    res.problems.sort(key=lambda p: (p.page or 0))
    lines = to_lines(res.pages, running_dropped=True)
    text, starts = assemble(lines, [pg.number for pg in res.pages])
    if not text.strip():
        raise InputError(name, NO_TEXT)
    spans = spans_from_starts(starts, len(text))
    if b"%%EOF" not in data[-2048:]:
        res.problems.append(Problem(kind="damaged", severity="warning",
                                    message="the PDF seems cut off (no end marker); text at the end may be missing"))
    return text, spans, res.problems, " + ".join(dict.fromkeys(res.extractors)), len(res.pages)
