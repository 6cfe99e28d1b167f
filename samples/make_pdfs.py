#!/usr/bin/env python3
"""Regenerate every ``samples/*/agb.pdf`` from its ``agb.txt`` (needs fpdf2).

    python3 samples/make_pdfs.py            # all samples
    python3 samples/make_pdfs.py homepage-builder

The PDFs are committed, so users of the samples need no fpdf2. Layout as in real
AGB PDFs: the first line of ``agb.txt`` is the title; headings ("10. Datensicherung",
"§ 6 Sperrung", "Section 9 Availability") are bold and start on their own line;
numbered clauses start on their own line and wrap; every page has a running header
with the provider and document and a footer "Seite x von y" / "Page x of y".

The PDF core font Helvetica covers Latin-1 (ä ö ü ß é), but not typographic quotes,
dashes or the euro sign; these are replaced by their plain forms („“ -> "", – -> -,
€ -> EUR). The output is deterministic (fixed creation date), so regenerating an
unchanged sample changes nothing.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent

#: running header per sample (left, right) and the language of the page footer
META = {
    "homepage-builder": ("Seitenwerk Baukasten GmbH", "AGB Homepage-Baukasten – Stand 03/2026", "de"),
    "shared-hosting": ("Nordlicht Webhosting UG (haftungsbeschränkt)", "AGB Webhosting – Fassung 2026-01", "de"),
    "cloud-storage": ("Cumulus Vault Ltd.", "Terms of Service – version 4.2", "en"),
}

_PLAIN = str.maketrans({
    "„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "–": "-", "—": "-",
    "…": "...", "•": "-", "€": "EUR", "\u00a0": " ", "‑": "-",
})

HEADING = re.compile(
    r"^(?:§\s*\d+[a-z]?\s+\S.*|\d{1,2}\.\s+[A-ZÄÖÜ][^.]*|Section\s+\d+\s+[A-Z][^.]*|[IVX]+\.\s+[A-ZÄÖÜ][^.]*)$"
)


def plain(s: str) -> str:
    out = s.translate(_PLAIN)
    out.encode("latin-1")  # fail loudly on anything else the core font cannot show
    return out


class AGBPdf(FPDF):
    def __init__(self, left: str, right: str, lang: str):
        super().__init__(format="A4", unit="mm")
        self.left_h, self.right_h, self.lang = plain(left), plain(right), lang
        self.set_margins(22, 24, 22)
        self.set_auto_page_break(True, margin=22)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 4, self.left_h, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, self.right_h, align="R")
        self.line(self.l_margin, 15.5, self.w - self.r_margin, 15.5)
        self.set_text_color(0, 0, 0)
        self.set_y(24)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        word = ("Seite {p} von {n}" if self.lang == "de" else "Page {p} of {n}").format(p=self.page_no(), n="{nb}")
        self.cell(0, 4, word, align="C")
        self.set_text_color(0, 0, 0)


def render(txt: Path, out: Path, meta: tuple[str, str, str]) -> int:
    lines = txt.read_text(encoding="utf-8").splitlines()
    paras = [ln.strip() for ln in lines]
    pdf = AGBPdf(*meta)
    pdf.set_title(plain(paras[0]))
    pdf.set_author(plain(meta[0]))
    pdf.set_creator("tosaudit samples/make_pdfs.py")
    pdf.set_creation_date(datetime(2026, 3, 1, tzinfo=timezone.utc))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    first = True
    for p in paras:
        if not p:
            continue
        if first:  # the title
            pdf.set_font("Helvetica", style="B", size=13)
            pdf.multi_cell(width, 6.5, plain(p), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
            first = False
            continue
        if HEADING.match(p) and len(p) < 80:
            if pdf.get_y() > pdf.h - pdf.b_margin - 25:  # keep a heading with its first clause
                pdf.add_page()
            pdf.ln(2.5)
            pdf.set_font("Helvetica", style="B", size=10.5)
            pdf.multi_cell(width, 5.5, plain(p), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            continue
        pdf.set_font("Helvetica", size=9.5)
        pdf.multi_cell(width, 4.6, plain(p), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.6)
    pdf.output(str(out))
    return pdf.page_no()


def main(argv: list[str]) -> int:
    names = argv or sorted(p.name for p in HERE.iterdir() if (p / "agb.txt").is_file())
    for name in names:
        d = HERE / name
        meta = META.get(name, (name, "AGB", "de"))
        n = render(d / "agb.txt", d / "agb.pdf", meta)
        print(f"{d.relative_to(HERE.parent)}/agb.pdf: {n} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
