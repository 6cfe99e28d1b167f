"""Plain text and Markdown -> lines.

Plain text: paragraphs are separated by blank lines.  If the file is hard-wrapped
(most lines end near one width, as in e-mails and copies out of PDFs), a line
whose successor's first word would have fitted is a paragraph end and the other
lines are joined; otherwise every line is its own paragraph.

Markdown: headings, emphasis, code marks, links, images, bullets, block quotes,
rules and table pipes are stripped; ordered-list numbers stay.  Lines of one
Markdown paragraph are joined (that is what Markdown means).
"""

from __future__ import annotations

import re

from tosaudit.ingest.normalize import Line, clean_line
from tosaudit.models import Problem


def decode(data: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), problems
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), problems
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        enc = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        enc = "Latin-1"
    problems.append(Problem(kind="other", severity="info",
                            message=f"the text is not UTF-8; it was read as {enc} (check umlauts and quotes)"))
    return text, problems


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > 0.05 * max(len(head), 1)


# ----------------------------------------------------------------------------- plain text


def text_lines(text: str) -> list[Line]:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [r.rstrip() for r in raw]
    lengths = sorted(len(r) for r in rows if r.strip())
    if not lengths:
        return []
    width = lengths[int(0.9 * (len(lengths) - 1))]
    long_share = sum(1 for n in lengths if n >= 0.75 * width) / len(lengths)
    hard_wrapped = 30 <= width <= 110 and long_share >= 0.4 and len(lengths) >= 4
    out: list[Line] = []
    prev: str | None = None
    for row in rows:
        if not row.strip():
            prev = None
            continue
        line = clean_line(row.strip())
        if not line:
            continue
        brk = True
        if hard_wrapped and prev is not None:
            first = line.split(" ", 1)[0]
            # the first word of this line would not have fitted: the previous line was wrapped
            brk = len(prev) + 1 + len(first) <= width
        if prev is not None and len(prev) > 2 and prev[-1] == "-" and prev[-2].isalpha():
            brk = False  # a word broken at the line end: "Daten-" / "sicherung"
        out.append(Line(line, brk))
        prev = row.strip()
    return out


# ----------------------------------------------------------------------------- markdown

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BULLET = re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?")
_ORDERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_LINKDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(.+?)~~")
_CODE = re.compile(r"`+([^`]+)`+")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _inline(s: str) -> str:
    s = _IMAGE.sub(lambda m: m.group(1), s)
    s = _LINK.sub(lambda m: m.group(1) or m.group(2), s)
    s = _AUTOLINK.sub(lambda m: m.group(1), s)
    s = _CODE.sub(lambda m: m.group(1), s)
    for _ in range(2):
        s = _STRONG.sub(lambda m: m.group(2), s)
    s = _EM.sub(lambda m: m.group(1) or m.group(2), s)
    s = _STRIKE.sub(lambda m: m.group(1), s)
    s = _TAG.sub(" ", s)
    s = _ESCAPE.sub(lambda m: m.group(1), s)
    return s


def markdown_lines(text: str) -> list[Line]:
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[Line] = []
    in_fence = False
    new_para = True
    for i, row in enumerate(rows):
        if _FENCE.match(row):
            in_fence = not in_fence
            new_para = True
            continue
        if in_fence:
            line = clean_line(row.strip())
            if line:
                out.append(Line(line, True))
            continue
        if not row.strip() or _RULE.match(row) or _LINKDEF.match(row) or _TABLE_SEP.match(row):
            new_para = True
            continue
        if _SETEXT.match(row) and out and not new_para:
            new_para = True  # underline of a Setext heading: the line above was a heading
            continue
        brk = new_para
        body = _QUOTE.sub("", row)
        m = _HEADING.match(body)
        if m:
            body, brk = m.group(1), True
            new_para = True
        else:
            new_para = False
            if _BULLET.match(body):
                body, brk = _BULLET.sub("", body, count=1), True
            elif _ORDERED.match(body):
                brk = True
            elif body.lstrip().startswith("|"):
                cells = [c.strip() for c in body.strip().strip("|").split("|")]
                body, brk = " | ".join(c for c in cells if c), True
            # a following Setext underline makes this line a heading
            if i + 1 < len(rows) and _SETEXT.match(rows[i + 1]) and rows[i + 1].strip():
                brk = True
        line = clean_line(_inline(body.strip()))
        if line:
            out.append(Line(line, brk))
    return out
