"""PDF fixtures for the ingest tests and the benchmarks, written with fpdf2.

Nothing here copies a real contract: the AGB text is generated from our own
sentence fragments.  The writer does its own line breaking so that tests know
exactly where lines, columns, hyphens and pages fall:

* a soft hyphen (U+00AD) inside a word marks the only place the writer may
  hyphenate it at a line end (drawn as "-");
* two-column pages can be written column by column or row by row
  ("interleaved": left line 1, right line 1, left line 2, ...), the worst
  content order for an extractor;
* running headers, footers and page numbers are drawn on every text page.

Core font Helvetica covers Latin-1, so German umlauts and ß need no TTF font.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from fpdf import FPDF

SHY = "\u00ad"

PAGE_W, PAGE_H = 210.0, 297.0  # mm, A4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 20.0, 20.0, 22.0, 22.0
GUTTER = 10.0
FONT_SIZE = 10.0
LINE_H = 4.6  # mm
PARA_GAP = 2.2  # extra space between paragraphs


@dataclass
class Block:
    """A heading or a paragraph to lay out."""

    text: str
    heading: bool = False


@dataclass
class PlacedLine:
    page: int
    text: str  # as drawn (soft hyphens resolved)
    x: float
    y: float
    column: int


@dataclass
class Layout:
    """What the writer put where (tests compare the extractor against this)."""

    lines: list[PlacedLine] = field(default_factory=list)
    page_kinds: list[str] = field(default_factory=list)
    #: every block as it should come out of an extractor (one per line)
    blocks: list[str] = field(default_factory=list)

    def page_text(self, page: int) -> str:
        return " ".join(pl.text for pl in self.lines if pl.page == page)


def _clean(word: str) -> str:
    return word.replace(SHY, "")


class Writer:
    """Flows blocks over pages and columns; every page kind is chosen by a callable."""

    def __init__(
        self,
        page_kind: Callable[[int], str] = lambda n: "one",
        *,
        header: str | None = "Muster Cloud GmbH · Allgemeine Geschäftsbedingungen",
        footer: str | None = "Stand: 1. März 2026",
        page_numbers: str | None = "Seite {page} von {pages}",
        interleave: bool = False,
        total_pages: int | None = None,
    ):
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.total_pages = total_pages
        self.page_kind = page_kind
        self.header, self.footer, self.page_numbers = header, footer, page_numbers
        self.interleave = interleave
        self.layout = Layout()
        self.page = 0
        self.col = 0
        self.cols = 1
        self.y = 0.0
        self._pending: list[tuple[int, float, float, str, bool]] = []  # col, x, y, text, bold

    # ------------------------------------------------------------------ pages
    def _flush_page(self) -> None:
        pdf = self.pdf
        items = self._pending
        if self.interleave and self.cols == 2:
            # row order: sort by y, then by column, so the content stream interleaves columns
            items = sorted(items, key=lambda t: (round(t[2], 2), t[0]))
        for _col, x, y, text, bold in items:
            pdf.set_font("Helvetica", "B" if bold else "", FONT_SIZE)
            pdf.text(x, y, text)
        self._pending = []

    def new_page(self, kind: str | None = None) -> None:
        if self.page:
            self._flush_page()
        self.page += 1
        kind = kind or self.page_kind(self.page)
        self.layout.page_kinds.append(kind)
        self.pdf.add_page()
        pdf = self.pdf
        if kind == "image":
            _draw_image(pdf)
            return self.new_page()
        if kind == "blank":
            return self.new_page()
        _decorate(self, kind)

    def col_width(self) -> float:
        full = PAGE_W - MARGIN_L - MARGIN_R
        return full if self.cols == 1 else (full - GUTTER) / 2

    def col_x(self) -> float:
        return MARGIN_L + self.col * (self.col_width() + GUTTER)

    def _advance(self) -> None:
        if self.col + 1 < self.cols:
            self.col += 1
            self.y = MARGIN_T + 6
        else:
            self.new_page()

    def _place(self, text: str, bold: bool) -> None:
        if text.endswith(SHY):
            text = _clean(text[:-1])
            text += "" if text.endswith("-") else "-"
        else:
            text = _clean(text)
        self._pending.append((self.col, self.col_x(), self.y, text, bold))
        self.layout.lines.append(PlacedLine(self.page, text, self.col_x(), self.y, self.col))
        self.y += LINE_H

    def _full(self) -> bool:
        return self.y > PAGE_H - MARGIN_B

    # ----------------------------------------------------------------- blocks
    def wrap(self, text: str, width: float, bold: bool = False) -> list[str]:
        """Greedy line breaking; soft hyphens stay in the returned lines (not drawn)."""
        pdf = self.pdf
        pdf.set_font("Helvetica", "B" if bold else "", FONT_SIZE)

        def sw(s: str) -> float:
            return pdf.get_string_width(_clean(s))

        lines: list[str] = []
        cur = ""
        for word in text.split():
            cand = (cur + " " + word) if cur else word
            if sw(cand) <= width:
                cur = cand
                continue
            # try a soft-hyphen break: the longest head that still fits
            parts = word.split(SHY)
            placed = False
            for k in range(len(parts) - 1, 0, -1):
                joined = "".join(parts[:k])
                head = joined if joined.endswith("-") else joined + "-"
                cand = (cur + " " + head) if cur else head
                if sw(cand) <= width:
                    lines.append((cur + " " + joined if cur else joined) + SHY)  # trailing SHY = break here
                    cur = SHY.join(parts[k:])
                    placed = True
                    break
            if not placed:
                if cur:
                    lines.append(cur)
                cur = word
        if cur:
            lines.append(cur)
        return lines

    def add(self, block: Block) -> None:
        if not self.page:
            self.new_page()
        if block.heading and self.y + 3 * LINE_H > PAGE_H - MARGIN_B:
            self._advance()  # keep a heading with its text
        self.layout.blocks.append(_clean(block.text))
        rest = block.text
        while rest:
            if self._full():
                self._advance()
            lines = self.wrap(rest, self.col_width(), block.heading)
            rest = ""
            for i, line in enumerate(lines):
                if self._full():  # the frame is full: re-wrap the rest for the next frame
                    rest = _rejoin(lines[i:])
                    break
                self._place(line, block.heading)
        self.y += PARA_GAP

    def output(self, *, encrypt: tuple[str, str] | None = None) -> bytes:
        self._flush_page()
        if encrypt:
            self.pdf.set_encryption(owner_password=encrypt[0], user_password=encrypt[1])
        return bytes(self.pdf.output())


def _rejoin(lines: list[str]) -> str:
    out = ""
    for ln in lines:
        out += ln if (not out or out.endswith(SHY)) else " " + ln
    return out


def _draw_image(pdf: FPDF) -> None:
    """An image-only page (a 'scan'): a grey picture with some dark bars, no text."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (420, 594), 235)
    d = ImageDraw.Draw(img)
    for i in range(30, 560, 14):
        d.rectangle([40, i, 380 - (i * 7) % 90, i + 6], fill=40)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    pdf.image(buf, x=10, y=10, w=190)


# --------------------------------------------------------------------- AGB text

_TOPICS = [
    ("Geltungsbereich", "Diese Bedingungen gelten für alle Verträge über die Nutzung der Plattform"),
    ("Vertragsschluss", "Der Vertrag kommt mit der Bestätigung der Registrierung durch den Anbieter zustande"),
    ("Leistungsumfang", "Der Anbieter stellt dem Kunden Speicherplatz und Rechenleistung im vereinbarten Umfang bereit"),
    ("Verfügbarkeit", "Der Anbieter bemüht sich um eine Verfügbarkeit von 99 % im Jahresmittel"),
    ("Datensicherung", "Die Datensicherung obliegt ausschließlich dem Kunden"),
    ("Preise und Zahlung", "Die Entgelte sind monatlich im Voraus fällig und werden per Lastschrift eingezogen"),
    ("Preisänderungen", "Der Anbieter ist berechtigt, die Preise mit einer Frist von sechs Wochen anzupassen"),
    ("Sperrung", "Der Anbieter darf den Zugang sperren, wenn der Kunde mit der Zahlung in Verzug gerät"),
    ("Haftung", "Der Anbieter haftet unbeschränkt für Vorsatz und grobe Fahrlässigkeit"),
    ("Laufzeit und Kündigung", "Der Vertrag läuft auf unbestimmte Zeit und kann mit einer Frist von einem Monat gekündigt werden"),
    ("Änderungen der Bedingungen", "Änderungen dieser Bedingungen werden dem Kunden per E-Mail mitgeteilt"),
    ("Datenschutz", "Personenbezogene Daten werden nach Maßgabe der Datenschutzerklärung verarbeitet"),
    ("Schlussbestimmungen", "Es gilt das Recht der Bundesrepublik Deutschland unter Ausschluss des UN-Kaufrechts"),
]

_FRAGMENTS = [
    "soweit dies für den Kunden zumutbar ist",
    "sofern nicht ausdrücklich etwas anderes vereinbart wurde",
    "wobei die berechtigten Interessen beider Vertragsparteien angemessen zu berücksichtigen sind",
    "insbesondere bei Wartungs\u00adarbeiten, Sicherheits\u00adupdates oder höherer Gewalt",
    "nach vorheriger Ankündigung in Textform mit einer Frist von mindestens vier Wochen",
    "unbeschadet der gesetzlichen Rechte des Kunden",
    "im Rahmen der technischen und betrieblichen Möglichkeiten des Anbieters",
    "wobei eine Erstattung bereits gezahlter Entgelte ausgeschlossen ist",
    "es sei denn, der Kunde weist nach, dass ein Schaden überhaupt nicht entstanden ist",
    "für die Dauer der Störung und bis zur vollständigen Wieder\u00adherstellung",
    "gegenüber Verbrauchern gelten die gesetzlichen Gewährleistungs\u00adrechte",
    "unter Beachtung der Vorgaben der Daten\u00adschutz-Grundverordnung",
    "einschließlich der Offline-Nutzung und der mobilen Anwendungen",
    "soweit nicht zwingende gesetzliche Vorschriften entgegenstehen",
]

_SUBJECTS = [
    "Der Anbieter", "Der Kunde", "Jede Vertragspartei", "Die Plattform", "Der Nutzer",
    "Das Entgelt", "Die Kündigung", "Eine Änderung der Leistungs\u00adbeschreibung",
]
_VERBS = [
    "ist berechtigt, die Leistungen anzupassen", "verpflichtet sich, die Zugangsdaten geheim zu halten",
    "bedarf der Textform", "wird innerhalb von 14 Tagen wirksam", "bleibt hiervon unberührt",
    "haftet nur für typische und vorhersehbare Schäden", "kann jederzeit widerrufen werden",
    "ist für die regelmäßige Sicherung seiner Daten selbst verantwortlich",
]


def agb_blocks(seed: int = 7, *, start: int = 1) -> Iterator[Block]:
    """An endless stream of German AGB-like blocks: '§ N Title' headings, '(1)' subclauses, 'a)' lists."""
    rnd = random.Random(seed)
    n = start
    while True:
        title, lead = _TOPICS[(n - 1) % len(_TOPICS)]
        yield Block(f"§ {n} {title}", heading=True)
        for k in range(1, rnd.randint(2, 5) + 1):
            sents = [f"{lead}, {rnd.choice(_FRAGMENTS)}."]
            for _ in range(rnd.randint(1, 3)):
                sents.append(f"{rnd.choice(_SUBJECTS)} {rnd.choice(_VERBS)}, {rnd.choice(_FRAGMENTS)}.")
            if rnd.random() < 0.3:
                sents.append(f"Dies gilt auch im Fall des § {rnd.randint(1, n)} Abs. {rnd.randint(1, 4)}.")
            yield Block(f"({k}) " + " ".join(sents))
            if rnd.random() < 0.2:
                for letter in "abc"[: rnd.randint(2, 3)]:
                    yield Block(f"{letter}) {rnd.choice(_SUBJECTS)} {rnd.choice(_VERBS)};")
        n += 1


def agb_pdf(pages: int, *, page_kind: Callable[[int], str] = lambda n: "one",
            interleave: bool = False, seed: int = 7) -> tuple[bytes, Layout]:
    """A PDF of exactly ``pages`` pages of generated AGB text."""
    w = Writer(page_kind, interleave=interleave, total_pages=pages)
    blocks = agb_blocks(seed)
    w.new_page()
    for block in blocks:
        # stop before a block would open page pages+1
        lines = w.wrap(block.text, w.col_width(), block.heading)
        need = len(lines) * LINE_H + (3 * LINE_H if block.heading else 0)
        if w.page == pages and w.col == w.cols - 1 and w.y + need > PAGE_H - MARGIN_B:
            break
        w.add(block)
    return w.output(), w.layout


def simple_pdf(pages: list[list[str] | str], *, header: str | None = None, footer: str | None = None,
               page_numbers: str | None = None, two_column: set[int] = frozenset(),
               interleave: bool = False, encrypt: tuple[str, str] | None = None) -> bytes:
    """One entry per page: a list of paragraphs (str), or "image" / "image-stamped" /
    "image-caption" / "blank".

    Pages listed in ``two_column`` (1-based) flow their paragraphs over two columns;
    a paragraph never moves to the next page (the test controls the amount of text).
    """
    w = Writer(header=header, footer=footer, page_numbers=page_numbers, interleave=interleave,
               total_pages=len(pages))
    for i, spec in enumerate(pages, start=1):
        if isinstance(spec, str):
            w._flush_page() if w.page else None
            w.page += 1
            w.layout.page_kinds.append(spec)
            w.pdf.add_page()
            if spec.startswith("image"):
                _draw_image(w.pdf)
            if spec == "image-stamped":  # a scan with a digital running header and page number
                _decorate(w, "one")
            elif spec == "image-caption":  # a picture with a short caption
                w.pdf.set_font("Helvetica", "", FONT_SIZE)
                w.pdf.text(MARGIN_L, PAGE_H - 30, "Abbildung 1: Übersicht")
            continue
        if w.page:
            w._flush_page()
        w.page += 1
        kind = "two" if i in two_column else "one"
        w.layout.page_kinds.append(kind)
        w.pdf.add_page()
        _decorate(w, kind)
        total = sum(len(w.wrap(p, w.col_width())) for p in spec)
        per_col = (total + 1) // 2 if kind == "two" else total
        placed = 0
        for para in spec:
            heading = para.startswith("#")
            text = para.lstrip("# ") if heading else para
            w.layout.blocks.append(_clean(text))
            for line in w.wrap(text, w.col_width(), heading):
                if kind == "two" and w.col == 0 and placed >= per_col:
                    w.col = 1
                    w.y = MARGIN_T + 6
                w._place(line, heading)
                placed += 1
            w.y += PARA_GAP
    return w.output(encrypt=encrypt)


def _decorate(w: Writer, kind: str) -> None:
    pdf = w.pdf
    w.cols = 2 if kind == "two" else 1
    w.col = 0
    w.y = MARGIN_T + 6
    pdf.set_font("Helvetica", "", 8)
    if w.header:
        pdf.text(MARGIN_L, 12, w.header)
    if w.footer:
        pdf.text(MARGIN_L, PAGE_H - 10, w.footer)
    if w.page_numbers:
        label = w.page_numbers.replace("{page}", str(w.page)).replace("{pages}", str(w.total_pages or "?"))
        wd = pdf.get_string_width(label)
        pdf.text(PAGE_W - MARGIN_R - wd, PAGE_H - 10, label)


def intact_share(text: str, blocks: list[str]) -> tuple[float, list[str]]:
    """Share of expected blocks that come out as one whole line, in order; and the misses."""
    lines = text.split("\n")
    pos = {}
    for i, ln in enumerate(lines):
        pos.setdefault(ln, []).append(i)
    hit, last, misses = 0, -1, []
    for b in blocks:
        cands = [i for i in pos.get(b, []) if i > last]
        if cands:
            hit += 1
            last = cands[0]
        else:
            misses.append(b)
    return (hit / len(blocks) if blocks else 1.0), misses
