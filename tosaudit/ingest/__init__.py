"""Ingest: a contract from a file, bytes, pasted text or a URL -> :class:`Document`.

Public API::

    load_path(path, *, progress=None) -> Document
    load_bytes(data, name, *, kind=None, progress=None) -> Document
    load_text(text, name="pasted text") -> Document
    load_url(url, *, max_bytes=10_000_000, timeout=20.0, progress=None) -> Document

``progress(done_pages, total_pages)`` is called after each PDF page.  Input that
cannot be read raises :class:`tosaudit.errors.InputError` with a one-line reason
that says what is wrong and what to do; smaller trouble (an image-only page, a
page that failed, an unusual encoding) goes into ``Document.problems``.

The text contract (what the segmenter relies on) is described in
:mod:`tosaudit.ingest.normalize`: one NFC string, one paragraph / heading /
list item per line, clause numbers always at a line start, wrapped lines joined
and de-hyphenated, running headers / footers / page numbers removed, columns in
reading order.  ``Document.pages`` holds one contiguous span per PDF page; text
sources without pages have ``pages == []``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from tosaudit.errors import InputError
from tosaudit.ingest.normalize import assemble
from tosaudit.models import Document, PageSpan, Problem, SourceInfo

__all__ = ["load_path", "load_bytes", "load_text", "load_url", "KINDS"]

Progress = Callable[[int, int], None] | None

#: kinds load_bytes accepts
KINDS = ("pdf", "html", "docx", "text", "markdown")

_SUFFIX = {
    ".pdf": "pdf",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".docx": "docx",
    ".txt": "text", ".text": "text", "": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
}
SUPPORTED = "tosaudit reads PDF, HTML, DOCX, TXT and MD"
EMPTY = "the file is empty; choose the file that holds the contract text"


class _CallbackError(Exception):
    """An exception raised by the caller's progress callback: passed through untouched."""


def _guard(progress: Progress) -> Progress:
    if progress is None:
        return None

    def call(done: int, total: int) -> None:
        try:
            progress(done, total)
        except BaseException as e:  # e.g. Streamlit's StopException: not an input problem
            raise _CallbackError() from e

    return call


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1].split("?", 1)[0]
    return Path(base).suffix.lower() if "." in base else ""


def sniff(data: bytes, name: str) -> str:
    """The kind of ``data``: magic bytes first, the file name's suffix second."""
    head = data[:2048]
    suffix = _suffix(name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:200_000] or suffix == ".docx":
            return "docx"
        raise InputError(name, "a ZIP archive, not a Word .docx document; " + SUPPORTED)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(name, "an old Word .doc (or other Office) file; save it as .docx or PDF and try again")
    if head.lstrip().startswith(b"{\\rtf"):
        raise InputError(name, "an RTF file; save it as .docx, PDF or plain text and try again")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise InputError(name, "an image, not a document; run OCR on it or load the PDF or text instead")
    if suffix == ".pdf":
        raise InputError(name, "the file is damaged (not a readable PDF); check that it is really a PDF")
    if suffix == ".docx":
        raise InputError(name, "the file is damaged (not a readable DOCX); open it in Word and save it again")
    from tosaudit.ingest.text import looks_binary

    low = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if not looks_binary(data) and (
        low.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower()
        or (suffix not in (".txt", ".md", ".markdown", ".text") and any(t in low for t in (b"<body", b"<html", b"<p>", b"<div")))
    ):
        return "html"
    if suffix in _SUFFIX:
        kind = _SUFFIX[suffix]
        if kind in ("text", "markdown") and looks_binary(data):
            raise InputError(name, "binary content, not text; " + SUPPORTED)
        return kind
    raise InputError(name, f"unknown file type '{suffix}'; {SUPPORTED}")


def load_bytes(data: bytes, name: str, *, kind: str | None = None, progress: Progress = None,
               encoding: str | None = None) -> Document:
    """Read a contract from bytes (e.g. a Streamlit upload); ``kind`` overrides the guess."""
    if data is None or not data.strip():
        raise InputError(name, EMPTY)
    if kind is None:
        kind = sniff(data, name)
    elif kind not in KINDS:
        raise InputError(name, f"unknown file type '{kind}'; {SUPPORTED}")
    problems: list[Problem] = []
    pages: list[PageSpan] = []
    n_pages: int | None = None
    try:
        if kind == "pdf":
            from tosaudit.ingest.pdf import read_pdf

            text, pages, problems, extractor, n_pages = read_pdf(data, name, progress=_guard(progress))
        elif kind == "html":
            from tosaudit.ingest.html import read_html

            text, problems, extractor = read_html(data, name, encoding=encoding)
        elif kind == "docx":
            from tosaudit.ingest.docx import read_docx

            text, problems, extractor = read_docx(data, name)
        else:
            from tosaudit.ingest.text import decode, markdown_lines, text_lines

            if encoding:
                try:
                    raw = data.decode(encoding)
                except (LookupError, UnicodeDecodeError):
                    raw, problems = decode(data)
            else:
                raw, problems = decode(data)
            lines = markdown_lines(raw) if kind == "markdown" else text_lines(raw)
            text, _ = assemble(lines)
            extractor = "tosaudit text" if kind == "text" else "tosaudit markdown"
    except InputError:
        raise
    except _CallbackError as e:
        raise e.__cause__ from None
    except MemoryError:
        raise InputError(name, "the file is too large to read here; split it or load a smaller part") from None
    except Exception as e:  # never a traceback for bad input
        raise InputError(name, f"the file could not be read ({type(e).__name__}: {_short(e)}); "
                               "check that it is a valid " + kind.upper() + " file") from None
    if not text.strip():
        if kind == "pdf":
            raise InputError(name, "no page has a text layer (a scan?); run OCR on it first")
        raise InputError(name, "no text found in the file; check that it holds the contract text")
    src = SourceInfo(name=name, kind=kind, sha256=_sha(data), size=len(data), pages=n_pages, extractor=extractor)
    return Document(source=src, text=text, pages=pages, problems=problems)


def _short(e: Exception) -> str:
    s = " ".join(str(e).split())
    return (s[:80] + "…") if len(s) > 80 else s


def load_path(path: str | os.PathLike, *, progress: Progress = None) -> Document:
    """Read a contract file; the kind is guessed from the content and the suffix."""
    p = Path(path)
    name = p.name or str(path)
    try:
        if p.is_dir():
            raise InputError(str(path), "is a folder, not a file; give the path of the contract file")
        data = p.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(str(path), "file not found; check the path") from None
    except PermissionError:
        raise InputError(str(path), "permission denied; check that you may read the file") from None
    except OSError as e:
        raise InputError(str(path), f"the file could not be read ({e.strerror or type(e).__name__})") from None
    return load_bytes(data, name, progress=progress)


def load_text(text: str, name: str = "pasted text") -> Document:
    """Read pasted text (SourceInfo.kind "pasted")."""
    from tosaudit.ingest.text import text_lines

    if text is None or not text.strip():
        raise InputError(name, "the text is empty; paste the terms of the contract")
    raw = text.encode("utf-8", errors="surrogatepass")
    out, _ = assemble(text_lines(text))
    if not out.strip():
        raise InputError(name, "no readable text in the pasted input; paste the terms of the contract")
    src = SourceInfo(name=name, kind="pasted", sha256=_sha(raw), size=len(raw), extractor="tosaudit text")
    return Document(source=src, text=out)


def load_url(url: str, *, max_bytes: int = 10_000_000, timeout: float = 20.0,
             progress: Progress = None) -> Document:
    """Fetch a contract over http(s) (public hosts only) and read it."""
    from tosaudit.ingest.url import fetch_document

    return fetch_document(url, max_bytes=max_bytes, timeout=timeout, progress=progress)
