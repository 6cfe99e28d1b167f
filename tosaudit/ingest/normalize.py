"""Text normalisation shared by every ingest path.

Two layers:

* :func:`clean` works on characters: NFC, ligatures expanded, soft hyphens and
  zero-width characters removed, NBSP and thin spaces turned into spaces,
  dash variants folded (hyphen-like -> "-", U+2012/U+2013 -> "–", U+2014/U+2015 -> "—"),
  control characters dropped.  Typographic quotes are kept.
* :func:`assemble` works on lines: it decides for each line whether it starts a
  new paragraph (the source says so, or the line begins with a clause number or a
  bullet) or continues the previous one (joined with a space, or de-hyphenated),
  and returns one string plus the offset where each page starts.

The line-start rule: a line that begins with a clause number ("§ 10", "10.4",
"(3)", "a)", "aa)", "Ziffer 7", "Section 12.3", "1.", "I.") always starts a new
line, *unless* it is plainly a cross-reference that the line wrap happened to put
first ("... gemäß\\n§ 309 Nr. 7 BGB ...", "... nach Ziffer\\n10.4 ..."): the previous
line ends with a word that introduces a reference ("gemäß", "nach", "des", "Abs.",
"under", "see", ...) and has no closing punctuation, or the "§ N" is followed by a
statute ("BGB", "Abs.", "DSGVO", ...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# ----------------------------------------------------------------------------- characters

_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij", "\u01c4": "DŽ",
    "\u01c5": "Dž", "\u01c6": "dž", "\u01c7": "LJ", "\u01c8": "Lj", "\u01c9": "lj",
    "\u01ca": "NJ", "\u01cb": "Nj", "\u01cc": "nj",
}
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"
_ZERO_WIDTH = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"
_HYPHENS = "\u2010\u2011\u2043\u2212\ufe63\uff0d\ufe58"
_EN_DASHES = "\u2012\u2013"
_EM_DASHES = "\u2014\u2015"

#: hyphen markers an extractor leaves at a line end: pdfium uses U+FFFE (and U+0002
#: in some versions) for a hyphen it saw at the end of a line
HYPHEN_MARKERS = "\ufffe\x02"

_TABLE: dict[int, str | None] = {}
for _k, _v in _LIGATURES.items():
    _TABLE[ord(_k)] = _v
for _c in _SPACES:
    _TABLE[ord(_c)] = " "
for _c in _ZERO_WIDTH:
    _TABLE[ord(_c)] = None
for _c in _HYPHENS:
    _TABLE[ord(_c)] = "-"
for _c in _EN_DASHES:
    _TABLE[ord(_c)] = "\u2013"
for _c in _EM_DASHES:
    _TABLE[ord(_c)] = "\u2014"
for _c in HYPHEN_MARKERS:
    _TABLE[ord(_c)] = "-"  # a marker that is not at a line end is an ordinary hyphen
for _i in list(range(0, 32)) + list(range(127, 160)):
    if chr(_i) not in "\n\t\x0b\x0c\x02":
        _TABLE.setdefault(_i, None)
_TABLE[ord("\r")] = None  # CRLF/CR are handled before translation
_TABLE[0xFFFD] = None  # replacement characters carry nothing
_TABLE[0xFFFF] = None

_MULTISPACE = re.compile(r" {2,}")
_TRAILING = re.compile(r" +\n")
_LEADING = re.compile(r"\n +")


def clean(text: str) -> str:
    """Character-level normalisation; keeps "\\n" line breaks, removes trailing spaces."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = unicodedata.normalize("NFC", text.translate(_TABLE))
    text = _MULTISPACE.sub(" ", text)
    text = _TRAILING.sub("\n", text)
    text = _LEADING.sub("\n", text)
    return text.strip(" ")


def clean_line(text: str) -> str:
    """:func:`clean` for one line, but line-end hyphen markers survive (for :func:`assemble`)."""
    tail = ""
    stripped = text.rstrip()
    if stripped and stripped[-1] in HYPHEN_MARKERS + "\u00ad":
        tail = "\u00ad" if stripped[-1] == "\u00ad" else "\ufffe"
        stripped = stripped[:-1]
    out = clean(stripped.replace("\n", " "))
    return out + tail if out else out


# ----------------------------------------------------------------------------- clause numbers

_ROMAN = r"(?=[IVXLC])X{0,3}(?:IX|IV|V?I{0,3})"
_CLAUSE_START = re.compile(
    r"""^(?:
        (?P<para>§§?\s*\d+\s?[a-z]?\b)
      | (?P<named>(?:Art(?:ikel|\.)?|Ziff(?:er|\.)|Nr\.|Abschnitt|Punkt|Section|Sec\.|Clause|Article|Paragraph|Teil|Part|Anlage|Annex|Schedule|Appendix)\s*\d+(?:\.\d+)*[a-z]?\b)
      | (?P<dotted>\d{1,3}(?:\.\d{1,3})+\.?(?=\s|$))
      | (?P<num>\d{1,3}[.)](?=\s|$))
      | (?P<paren>\(\d{1,3}[a-z]?\))
      | (?P<letter>\(?[a-z]{1,2}\)(?=\s|$))
      | (?P<proman>\((?:[ivxlc]{1,5}|[IVXLC]{1,5})\)(?=\s|$))
      | (?P<roman>"""
    + _ROMAN
    + r"""\.(?=\s|$))
    )""",
    re.VERBOSE,
)
_MONTHS = re.compile(
    r"^\d{1,2}\.\s+(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
    r"November|Dezember|Jan\.|Feb\.|Mär\.|Apr\.|Jun\.|Jul\.|Aug\.|Sep\.|Sept\.|Okt\.|Nov\.|Dez\.)\b"
)
_DECIMAL_AMOUNT = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\s*(?:%|€|EUR|GB|MB|TB|Prozent|percent)")
_STATUTE_AFTER = re.compile(
    r"^§§?\s*\d+\s?[a-z]?\s+(?:ff?\.|Abs\.|Absatz|Satz|S\.|Nr\.|Ziff\.|lit\.|BGB|HGB|UWG|TMG|TTDSG|TDDDG|TKG|DDG|"
    r"DSGVO|DS-GVO|BDSG|ZPO|UrhG|GWB|EGBGB|StGB|AktG|GmbHG|UStG|AO|VVG|PAngV|UKlaG|VSBG|ProdHaftG|"
    r"AGBG|KSchG|ABGB|OR|ZGB|UGB|FAGG|ECG|InsO|KWG|ZAG)\b"
)
_BULLET = re.compile(r"^(?:[•▪■□◦●○◆◇►▸‣⁃∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc]|[-–—*+])\s+")

#: words after which a clause-looking number at the next line start is a cross-reference
_REF_WORDS = frozenset(
    """gemäß gem. gem nach laut lt. siehe vgl. i.s.d. i.s.v. isd isv i.v.m. ivm iSd iVm des der dem den
    im in vom von aus und oder bzw. sowie abs. absatz absätze satz s. nr. nummer ziffer ziffern ziff. lit.
    art. artikel § §§ bis zum zur am ab seit gegen auf an bei mit für über unter vor durch entsprechend
    anwendung maßgabe sinne unberührt bleiben
    under in of to per see with and or pursuant accordance by than within from section sections clause
    clauses paragraph paragraphs article articles subsection cf. as set forth referred described""".split()
)
#: per kind of number: the words after which it is a reference, not a clause start
_NARROW_REF_WORDS = {
    "paren": frozenset("""abs. absatz absätze § §§ nr. nummer ziffer ziff. section sections clause clauses
        paragraph paragraphs subsection article art. artikel""".split()),
    "letter": frozenset("lit. litera buchstabe buchst. subsection section clause paragraph".split()),
    "proman": frozenset("lit. subsection section clause paragraph".split()),
    "dotted": frozenset("""ziffer ziffern ziff. nr. nummer abschnitt punkt gemäß gem. nach in im unter vgl.
        siehe section sections clause clauses paragraph paragraphs under see cf. per pursuant art. artikel § abs.""".split()),
    "num": frozenset("""ziffer ziffern ziff. nr. nummer abschnitt punkt section sections clause clauses paragraph
        paragraphs art. artikel § abs. absatz satz""".split()),
}
_SENTENCE_END = tuple(".:;!?")


def clause_start(line: str) -> str | None:
    """The kind of clause number the line starts with ("para", "dotted", "letter", ...), or None."""
    m = _CLAUSE_START.match(line)
    if not m:
        return None
    kind = m.lastgroup
    if kind in ("num", "dotted") and (_MONTHS.match(line) or _DECIMAL_AMOUNT.match(line)):
        return None
    return kind


def is_reference_continuation(prev: str, line: str, kind: str) -> bool:
    """True if ``line`` starts with a cross-reference that merely wrapped onto a new line."""
    prev = prev.rstrip()
    if not prev:
        return False
    last = prev.rsplit(" ", 1)[-1].lower()
    if kind in ("para", "named"):
        if last in _REF_WORDS or last.endswith("§"):
            return True
        return kind == "para" and not prev.endswith(_SENTENCE_END) and bool(_STATUTE_AFTER.match(line))
    return last in _NARROW_REF_WORDS.get(kind, ())


def starts_new_line(prev: str, line: str) -> bool:
    """Must ``line`` start on its own line, whatever the layout says?"""
    if _BULLET.match(line):
        return True
    kind = clause_start(line)
    if kind is None:
        return False
    return not is_reference_continuation(prev, line, kind)


def strip_bullet(line: str) -> str:
    return _BULLET.sub("", line, count=1)


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


# ----------------------------------------------------------------------------- joining

_SUSPENDED = frozenset("und oder bzw. sowie bis als and or to nor".split())


def join_hyphenated(prev: str, nxt: str) -> str | None:
    """If ``prev`` ends with a line-end hyphen, the joined text; else None.

    "Daten-" + "sicherung" -> "Datensicherung" (only before a lowercase letter);
    "Offline-" + "Nutzung" -> "Offline-Nutzung"; "Kunden-" + "und ..." -> "Kunden- und ...".
    """
    if not prev or prev[-1] not in "-\ufffe\u00ad":
        return None
    marker = prev[-1]
    stem = prev[:-1]
    if not stem or not stem[-1].isalpha():
        # "2020-" + "2021", or a dash after a space: keep the hyphen
        if stem.endswith(" ") or not stem:
            return None
        return stem + "-" + nxt
    first = nxt.split(" ", 1)[0]
    if nxt[:1].islower():
        if first.rstrip(",;") in _SUSPENDED:
            return stem + "- " + nxt
        return stem + nxt
    if marker == "\u00ad":
        return stem + nxt  # a soft hyphen is invisible when the word is whole
    return stem + "-" + nxt


@dataclass(slots=True)
class Line:
    """One line of a source, before paragraphs are rebuilt."""

    text: str
    #: the source's verdict: True = starts a paragraph, False = continues the previous line
    brk: bool = True
    page: int | None = None


def assemble(lines: list[Line], pages: list[int] | None = None) -> tuple[str, dict[int, int]]:
    """Join lines into paragraphs; return the text and {page: start offset}.

    ``pages`` lists every page number in order (pages without lines included) so
    that each gets a start offset; sources without pages pass None.
    """
    out: list[str] = []  # paragraphs
    cur: list[str] = []  # pieces of the paragraph being built
    cur_text = ""
    starts: dict[int, int] = {}
    done = 0  # characters in out, including the "\n" after each paragraph

    def flush() -> None:
        nonlocal cur_text, done
        if cur_text:
            t = cur_text.rstrip("\ufffe\u00ad")
            if cur_text.endswith("\ufffe"):
                t += "-"
            out.append(t)
            done += len(t) + 1
        cur_text = ""

    for ln in lines:
        text = ln.text
        if not text:
            continue
        brk = ln.brk or not cur_text or starts_new_line(cur_text, text)
        if is_bullet(text):
            text = strip_bullet(text)
            if not text:
                continue
        if brk:
            flush()
            if ln.page is not None and ln.page not in starts:
                starts[ln.page] = done
            cur_text = text
            continue
        if ln.page is not None and ln.page not in starts:
            # the page starts inside a paragraph: mark the offset of this line's text
            joined = join_hyphenated(cur_text, text)
            if joined is None:
                cur_text = cur_text.rstrip("\u00ad") + " "
                starts[ln.page] = done + len(cur_text)
                cur_text += text
            else:
                starts[ln.page] = done + len(joined) - len(text)
                cur_text = joined
            continue
        joined = join_hyphenated(cur_text, text)
        cur_text = joined if joined is not None else cur_text.rstrip("\u00ad") + " " + text
    flush()
    text = "\n".join(out)
    text = text.replace("\ufffe", "-").replace("\u00ad", "")
    if pages:
        fixed: dict[int, int] = {}
        nxt = len(text)
        for p in reversed(pages):  # a page without text starts where the next text starts
            nxt = fixed[p] = min(starts.get(p, nxt), nxt)
        starts = fixed
    return text, starts


def spans_from_starts(starts: dict[int, int], total: int):
    """PageSpans (contiguous, in page order) from {page: start}."""
    from tosaudit.models import PageSpan

    nums = sorted(starts)
    spans = []
    for i, p in enumerate(nums):
        end = starts[nums[i + 1]] if i + 1 < len(nums) else total
        start = starts[p]
        spans.append(PageSpan(number=p, start=start, end=max(start, end)))
    return spans
