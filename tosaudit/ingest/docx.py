"""DOCX -> text with python-docx: body paragraphs and table cells, in document order.

Word's automatic numbering is not part of a paragraph's text; we rebuild it from
numbering.xml (abstract numbering levels, number formats, level texts such as
"%1.%2" or "(%3)", start values and start overrides) so that "§ 1", "1.1" or
"a)" reach the segmenter.  Bullets are dropped.  A manual line break inside a
paragraph becomes a new line only if the next part starts with a clause number.
Headers, footers, comments and footnotes are not read.
"""

from __future__ import annotations

import io
import re

from tosaudit.ingest.html import _to_letter, _to_roman
from tosaudit.ingest.normalize import Line, assemble, clean_line
from tosaudit.models import Problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _extractor() -> str:
    try:
        from importlib.metadata import version

        return f"python-docx {version('python-docx')}"
    except Exception:  # pragma: no cover
        return "python-docx"


def _fmt(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _to_letter(n, False)
    if fmt in ("upperLetter",):
        return _to_letter(n, True)
    if fmt == "lowerRoman":
        return _to_roman(n)
    if fmt == "upperRoman":
        return _to_roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Counters for Word list numbering."""

    def __init__(self, numbering_el, styles_el):
        self.abstract: dict[str, dict[int, tuple[str, str, int, bool]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        self.style_num: dict[str, tuple[str | None, int]] = {}
        if numbering_el is not None:
            for an in numbering_el.iter(W + "abstractNum"):
                aid = an.get(W + "abstractNumId")
                levels = {}
                for lvl in an.iter(W + "lvl"):
                    il = int(lvl.get(W + "ilvl", "0"))
                    fmt = _val(lvl.find(W + "numFmt")) or "decimal"
                    text = _val(lvl.find(W + "lvlText"))
                    start = int(_val(lvl.find(W + "start")) or "1")
                    lgl = lvl.find(W + "isLgl") is not None
                    levels[il] = (fmt, text if text is not None else f"%{il + 1}.", start, lgl)
                self.abstract[aid] = levels
            for num in numbering_el.iter(W + "num"):
                nid = num.get(W + "numId")
                aid = _val(num.find(W + "abstractNumId"))
                overrides = {}
                for ov in num.iter(W + "lvlOverride"):
                    so = ov.find(W + "startOverride")
                    if so is not None:
                        overrides[int(ov.get(W + "ilvl", "0"))] = int(_val(so) or "1")
                self.nums[nid] = (aid, overrides)
        if styles_el is not None:
            based: dict[str, str] = {}
            for st in styles_el.iter(W + "style"):
                sid = st.get(W + "styleId")
                b = st.find(W + "basedOn")
                if b is not None:
                    based[sid] = _val(b)
                ppr = st.find(W + "pPr")
                np_ = ppr.find(W + "numPr") if ppr is not None else None
                if np_ is not None:
                    nid = _val(np_.find(W + "numId"))
                    il = int(_val(np_.find(W + "ilvl")) or "0")
                    self.style_num[sid] = (nid, il)
            # inherit numbering through basedOn
            for sid in list(based):
                cur, hops = sid, 0
                while cur not in self.style_num and cur in based and hops < 20:
                    cur, hops = based[cur], hops + 1
                if cur in self.style_num and sid not in self.style_num:
                    self.style_num[sid] = self.style_num[cur]

    def label(self, p_el) -> str | None:
        ppr = p_el.find(W + "pPr")
        nid = None
        il = 0
        if ppr is not None:
            np_ = ppr.find(W + "numPr")
            if np_ is not None:
                nid = _val(np_.find(W + "numId"))
                il = int(_val(np_.find(W + "ilvl")) or "0")
            if nid is None:
                ps = ppr.find(W + "pStyle")
                if ps is not None and _val(ps) in self.style_num:
                    nid, il = self.style_num[_val(ps)]
        if not nid or nid == "0" or nid not in self.nums:
            return None
        aid, overrides = self.nums[nid]
        levels = self.abstract.get(aid)
        if not levels or il not in levels:
            return None
        counters = self.counters.setdefault(aid, [None] * 10)
        if nid not in self.seen:
            self.seen.add(nid)
            for lv, start in overrides.items():
                if 0 <= lv < 10:
                    counters[lv] = start - 1
        fmt, text, start, _ = levels[il]
        counters[il] = start if counters[il] is None else counters[il] + 1
        for k in range(il + 1, 10):
            counters[k] = None
        if fmt in ("bullet", "none"):
            return None

        def repl(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            kfmt, _, kstart, _ = levels[k]
            val = counters[k] if counters[k] is not None else kstart
            return _fmt(val, "decimal" if levels[il][3] else kfmt)

        out = re.sub(r"%(\d)", repl, text).strip()
        return out or None


def _val(el) -> str | None:
    return None if el is None else el.get(W + "val")


def _para_lines(p, numbering: Numbering | None) -> list[Line]:
    from docx.text.paragraph import Paragraph

    text = Paragraph(p, None).text
    label = numbering.label(p) if numbering else None
    parts = [t for t in text.split("\n")]
    out: list[Line] = []
    for i, part in enumerate(parts):
        line = clean_line(part)
        if i == 0 and label and line and not line.startswith(label):
            line = f"{label} {line}"
        if line:
            out.append(Line(line, i == 0))
    return out


def _walk(el, numbering: Numbering | None, out: list[Line], depth: int = 0) -> None:
    if depth > 30:
        return
    for child in el.iterchildren():
        tag = child.tag
        if tag == W + "p":
            out.extend(_para_lines(child, numbering))
        elif tag == W + "tbl":
            for tr in child.iterchildren(W + "tr"):
                for tc in tr.iterchildren(W + "tc"):
                    _walk(tc, numbering, out, depth + 1)
        elif tag in (W + "sdt",):
            content = child.find(W + "sdtContent")
            if content is not None:
                _walk(content, numbering, out, depth + 1)
        elif tag in (W + "customXml", W + "smartTag", W + "ins"):
            _walk(child, numbering, out, depth + 1)


def read_docx(data: bytes, name: str) -> tuple[str, list[Problem], str]:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from tosaudit.errors import InputError

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise InputError(name, "the file is damaged (not a readable DOCX); open it in Word and save it again") from None
    problems: list[Problem] = []
    numbering_el = styles_el = None
    try:
        for rel in document.part.rels.values():
            if rel.reltype == RT.NUMBERING and not rel.is_external:
                numbering_el = rel.target_part.element
            elif rel.reltype == RT.STYLES and not rel.is_external:
                styles_el = rel.target_part.element
        numbering = Numbering(numbering_el, styles_el)
    except Exception:
        numbering = None
        problems.append(Problem(kind="other", severity="info",
                                message="Word list numbering could not be read; clause numbers may be missing"))
    lines: list[Line] = []
    _walk(document.element.body, numbering, lines)
    text, _ = assemble(lines)
    return text, problems, _extractor()
