"""Render a sample contract (plain text) as a PDF with fpdf2, so the PDF path can be tested too.

    python3 samples/family/tools/make_pdf.py samples/family/pro/agb.txt samples/family/pro/agb.pdf
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
         Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")]


def make_pdf(src: Path, dst: Path) -> None:
    font = next((f for f in FONTS if f.is_file()), None)
    if font is None:
        raise SystemExit("no Unicode TrueType font found (DejaVu or Liberation)")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("Body", "", str(font))
    pdf.set_font("Body", size=10)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            pdf.ln(3)
            continue
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_creation_date(datetime(2025, 3, 1, tzinfo=timezone.utc))  # reproducible output
    pdf.output(str(dst))


if __name__ == "__main__":
    make_pdf(Path(sys.argv[1]), Path(sys.argv[2]))
