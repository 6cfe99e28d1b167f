"""Page geometry -> lines in reading order, for PDF pages from any extractor.

Input per page: *pieces*, runs of words on one line without a wide gap
(x0, x1, top, bottom in points, y growing downwards, plus the text and the width
of the first word).  Steps:

1. running headers, footers and page numbers: pieces in the top or bottom band of
   a page whose text (digits folded) repeats on many pages, or that read
   "Seite 3 von 12" / "Page 3" / "- 3 -" / a lone number;
2. columns: the x position in the middle of the text area that the fewest pieces
   cross; if enough wide pieces lie wholly left and wholly right of it, the page
   has two columns.  Pieces that cross it (a full-width heading) cut the page into
   bands; each band is read left column first, then right column;
3. lines: pieces of one column that overlap vertically are one line;
4. paragraph breaks: a line starts a paragraph if the gap above it is larger than
   the usual line pitch, if the previous line ended early (its first word would
   have fitted on the previous line), or if the font height changes.  Clause
   numbers and bullets are handled later by :func:`normalize.assemble`.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from tosaudit.ingest.normalize import Line, clean_line

#: a gap wider than this many line heights splits two words into separate pieces
GAP_SPLIT = 0.9


@dataclass(slots=True)
class Piece:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    first_w: float


@dataclass(slots=True)
class PageGeom:
    number: int
    width: float
    height: float
    pieces: list[Piece] = field(default_factory=list)


@dataclass(slots=True)
class GLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    first_w: float
    col_right: float
    page: int
    block_start: bool


def pieces_from_words(words) -> list[Piece]:
    """Group words (text, x0, x1, top, bottom) in content order into pieces."""
    pieces: list[Piece] = []
    cur: Piece | None = None
    for text, x0, x1, top, bottom in words:
        h = bottom - top
        if h <= 0:
            h = 1.0
        if cur is not None:
            ch = cur.bottom - cur.top
            gap = x0 - cur.x1
            mid = (top + bottom) / 2
            if cur.top - 0.2 * ch <= mid <= cur.bottom + 0.2 * ch and -0.5 * h <= gap <= GAP_SPLIT * max(h, ch):
                sep = "" if gap < 0.12 * h or cur.text.endswith(("\ufffe", "\x02")) else " "
                cur.text += sep + text
                cur.x1 = max(cur.x1, x1)
                cur.top = min(cur.top, top)
                cur.bottom = max(cur.bottom, bottom)
                continue
        cur = Piece(text, x0, x1, top, bottom, x1 - x0)
        pieces.append(cur)
    return pieces


# ----------------------------------------------------------------------------- headers and footers

_PAGE_NUM = re.compile(
    r"^(?:(?:seite|page|pg\.?|p\.|s\.|blatt|bl\.)\s*)?[-–—]?\s*(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))\s*[-–—]?"
    r"(?:\s*(?:von|of|/|aus|de)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_BAND = 0.12  # share of the page height that counts as header or footer band


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def drop_running(pages: list[PageGeom]) -> None:
    """Remove running headers, footers and page numbers in place.

    A piece in the top or bottom band is dropped if its text repeats exactly on
    many pages, or repeats with only numbers changing (one of them the page
    number), and it stands apart from the body text (a gap of most of a line).
    """
    exact: dict[tuple[str, str], set[int]] = defaultdict(set)
    folded: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pg in pages:
        for pc in pg.pieces:
            zone = _zone(pc, pg)
            if zone:
                exact[(zone, _norm(pc.text))].add(pg.number)
                if str(pg.number) in _DIGITS.findall(pc.text):
                    folded[(zone, _key(pc.text))].add(pg.number)
    with_text = sum(1 for pg in pages if pg.pieces)
    need = max(2, int(0.4 * with_text + 0.999))
    rep_exact = {k for k, v in exact.items() if len(v) >= need}
    rep_folded = {k for k, v in folded.items() if len(v) >= need}
    for pg in pages:
        if not pg.pieces:
            continue
        first_top = min(p.top for p in pg.pieces)
        last_bottom = max(p.bottom for p in pg.pieces)
        cands = []
        for pc in pg.pieces:
            zone = _zone(pc, pg)
            if zone and ((zone, _norm(pc.text)) in rep_exact
                         or ((zone, _key(pc.text)) in rep_folded and len(pc.text.split()) <= 12)):
                cands.append(pc)
        body = [pc for pc in pg.pieces if not any(pc is c for c in cands)]
        drop = [c for c in cands if _isolated(c, body)]
        keep = []
        for pc in pg.pieces:
            if any(pc is d for d in drop):
                continue
            zone = _zone(pc, pg)
            text = pc.text.strip().replace("\ufffe", "-").replace("\x02", "-")
            if _PAGE_NUM.match(text) and (zone or pc.top <= first_top + 1 or pc.bottom >= last_bottom - 1):
                continue
            keep.append(pc)
        pg.pieces = keep


def _isolated(pc: Piece, others: list[Piece]) -> bool:
    """No other line closer above or below than 0.8 line heights."""
    h = pc.bottom - pc.top
    for o in others:
        if o is pc:
            continue
        overlap = min(o.bottom, pc.bottom) - max(o.top, pc.top)
        if overlap >= 0.5 * min(h, o.bottom - o.top):
            continue  # the same line
        gap = o.top - pc.bottom if o.top >= pc.top else pc.top - o.bottom
        if gap < 0.8 * h:
            return False
    return True


def _zone(pc: Piece, pg: PageGeom) -> str | None:
    if pc.bottom <= pg.height * _BAND:
        return "top"
    if pc.top >= pg.height * (1 - _BAND):
        return "bottom"
    return None


# ----------------------------------------------------------------------------- columns and lines


def _gutter(pieces: list[Piece], left: float, right: float) -> float | None:
    """x of the column gap in the middle of the text area, or None for one column."""
    width = right - left
    if width <= 0 or len(pieces) < 6:
        return None
    lo, hi = left + 0.3 * width, left + 0.7 * width
    events = []
    for p in pieces:
        events.append((p.x0, 1))
        events.append((p.x1, -1))
    events.sort()
    cover = 0
    best: tuple[int, float, float] | None = None  # (coverage, -length, x)
    prev_x = left
    for x, d in events:
        a, b = max(prev_x, lo), min(x, hi)
        if b > a:
            cand = (cover, -(b - a), (a + b) / 2)
            if best is None or cand < best:
                best = cand
        cover += d
        prev_x = x
    if best is None:
        return None
    gx = best[2]
    lefts = [p for p in pieces if p.x1 <= gx]
    rights = [p for p in pieces if p.x0 >= gx]
    if len(lefts) < 3 or len(rights) < 3:
        return None
    if best[0] > 0.5 * min(len(lefts), len(rights)):
        return None
    if statistics.median(p.x1 - p.x0 for p in rights) < 0.3 * width:
        return None
    if statistics.median(p.x1 - p.x0 for p in lefts) < 0.3 * width:
        return None
    # the two sides must stand side by side, not one above the other
    l_top, l_bot = min(p.top for p in lefts), max(p.bottom for p in lefts)
    r_top, r_bot = min(p.top for p in rights), max(p.bottom for p in rights)
    if min(l_bot, r_bot) - max(l_top, r_top) <= 0:
        return None
    return gx


def _lines(pieces: list[Piece], col_right: float, page: int) -> list[GLine]:
    """Pieces of one column (or band) -> lines, top to bottom."""
    out: list[GLine] = []
    pieces = sorted(pieces, key=lambda p: (p.top, p.x0))
    group: list[Piece] = []
    g_top = g_bot = 0.0

    def emit() -> None:
        group.sort(key=lambda p: p.x0)
        text = group[0].text
        for a, b in zip(group, group[1:]):
            gap = b.x0 - a.x1
            text += ("" if gap < 0.12 * (a.bottom - a.top) else " ") + b.text
        out.append(GLine(text, group[0].x0, max(p.x1 for p in group), min(p.top for p in group),
                         max(p.bottom for p in group), group[0].first_w, col_right, page, not out))

    for pc in pieces:
        if group:
            h = min(g_bot - g_top, pc.bottom - pc.top)
            overlap = min(g_bot, pc.bottom) - max(g_top, pc.top)
            if overlap >= 0.5 * h:
                group.append(pc)
                g_top, g_bot = min(g_top, pc.top), max(g_bot, pc.bottom)
                continue
            emit()
        group = [pc]
        g_top, g_bot = pc.top, pc.bottom
    if group:
        emit()
    return out


def page_lines(pg: PageGeom, right_edge: float | None) -> list[GLine]:
    """One page's lines in reading order."""
    ps = pg.pieces
    if not ps:
        return []
    left = min(p.x0 for p in ps)
    right = max(p.x1 for p in ps)
    full_right = max(right, right_edge or right)
    gx = _gutter(ps, left, right)
    if gx is None:
        return _lines(ps, full_right, pg.number)
    out: list[GLine] = []
    band_l: list[Piece] = []
    band_r: list[Piece] = []
    lr = max((p.x1 for p in ps if p.x1 <= gx), default=gx)
    rr = max((p.x1 for p in ps if p.x0 >= gx), default=right)

    def flush() -> None:
        if band_l:
            out.extend(_lines(band_l, lr, pg.number))
        if band_r:
            out.extend(_lines(band_r, rr, pg.number))
        band_l.clear()
        band_r.clear()

    for pc in sorted(ps, key=lambda p: (p.top, p.x0)):
        if pc.x1 <= gx:
            band_l.append(pc)
        elif pc.x0 >= gx:
            band_r.append(pc)
        else:
            flush()
            out.extend(_lines([pc], full_right, pg.number))
    flush()
    return out


# ----------------------------------------------------------------------------- paragraphs


def to_lines(pages: list[PageGeom], *, running_dropped: bool = False) -> list[Line]:
    """All pages -> :class:`Line` objects with paragraph-break verdicts from geometry."""
    if not running_dropped:
        drop_running(pages)
    # the right edge of the text on one-column pages, over the whole document
    rights = [max(p.x1 for p in pg.pieces) for pg in pages if len(pg.pieces) >= 8]
    right_edge = statistics.median(rights) if rights else None
    glines: list[GLine] = []
    pitches_by_page: dict[int, float] = {}
    for pg in pages:
        pl = page_lines(pg, right_edge)
        pitches = [b.bottom - a.bottom for a, b in zip(pl, pl[1:]) if not b.block_start and b.bottom > a.bottom]
        if len(pitches) >= 3:
            pitches_by_page[pg.number] = statistics.median(pitches)
        glines.extend(pl)
    default_pitch = statistics.median(pitches_by_page.values()) if pitches_by_page else None

    out: list[Line] = []
    prev: GLine | None = None
    for gl in glines:
        text = clean_line(gl.text)
        if not text:
            continue
        brk = True
        if prev is not None:
            h = gl.bottom - gl.top
            ph = prev.bottom - prev.top
            brk = False
            pitch = pitches_by_page.get(gl.page, default_pitch)
            if gl.page == prev.page and not gl.block_start:
                step = gl.bottom - prev.bottom
                if step <= 0 or (pitch and step > 1.3 * pitch) or (not pitch and step > 1.8 * max(h, ph)):
                    brk = True
            if abs(h - ph) > 0.25 * max(h, ph):
                brk = True
            # the previous line ended early: this line's first word would have fitted
            if prev.x1 + 0.3 * ph + gl.first_w < prev.col_right - 0.3 * ph:
                brk = True
        out.append(Line(text, brk, gl.page))
        prev = gl
    return out
