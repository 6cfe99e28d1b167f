"""Clause and sentence segmentation for German AGB and English terms of service.

Public API
----------
``segment(doc) -> list[Clause]``
    Clauses of ``doc.text`` in order, with number, citable ref, heading path, span, pages and
    sentences.
``split_sentences(text, start=0, end=None, lang=None) -> list[Sentence]``
    Sentences of ``text[start:end]``; offsets are into ``text``.

Guarantees (checked by ``tests/test_segment.py`` on written and randomised texts)
-------------------------------------------------------------------------------
* Every non-space character of ``doc.text`` lies in exactly one clause; clauses are sorted,
  non-overlapping, and trimmed (they start and end on a non-space character).
* Every non-space character of a clause lies in exactly one of its sentences; sentences are
  sorted, non-overlapping, trimmed and inside the clause.
* Linear in the length of the text: one pass over the lines, one regex pass per line.

How the text is read
--------------------
The input is ingest's normalised text: every paragraph, heading and list item on its own line.
Each non-blank line is classified by its label at the start of the line:

=================  ===================================================  =====================
kind               printed as                                           ``number``
=================  ===================================================  =====================
``para``           ``§ 10``, ``§10``, ``§ 10a``                          ``§ 10``, ``§ 10a``
``art``            ``Art. 5``, ``Artikel 5``, ``Article 3``              ``Art. 5`` / ``Article 3``
``ziffer``         ``Ziffer 7``, ``Ziff. 7``                             ``Ziff. 7``
``section``        ``Section 12.3``, ``Sec. 4``, ``Clause 5``            ``Section 12.3``, ``Clause 5``
``part``           ``Teil B``, ``Abschnitt 2``, ``Part II``, ``Annex 1``  as printed
``dec``            ``10.``, ``10.4``, ``10.4.2``, ``10 Datensicherung``  ``10``, ``10.4``, ``10.4.2``
``paren_num``      ``(3)``, ``(3a)``                                     ``(3)``, ``(3a)``
``numclose``       ``1)``                                                ``1)``
``alpha``/``aa``   ``a)``, ``(a)``, ``a.``, ``aa)``                       as printed
``roman``          ``(iv)``, ``iv)``, ``i.``                             as printed
``uroman``         ``I.``, ``II.``, ``(IV)``                             as printed
``ualpha``         ``A.``, ``B)``                                        as printed
bullets            ``-``, ``–``, ``•``, ``*``, ``▪`` ...                   ``None``
=================  ===================================================  =====================

``i``/``v``/``x`` (and ``I``/``V``/``X``...) are read as letters when they continue a letter
list (``h)`` -> ``i)``); ``i``, ``ii``, ``iv``... are roman numerals otherwise, and a single
``v``/``x``/``c`` is roman only while a roman list is open. Bullets (ingest usually strips
them) are labels without a number. A label after a bullet (``* 1. Access``) is the label.

A label is only a label at the start of a line. What is *not* a label: a ``§`` in the middle
of a line or ``§§`` (citations), a word label followed by a lower-case word or a law
(``§ 309 Nr. 7 BGB ...``, ``Art. 6 DSGVO ...``, ``Section 5 applies ...``), dates
(``1. Januar 2024``, ``3. 5. 2024``), amounts and times (``10.000 EUR``, ``1.5 GB``,
``10.30 Uhr``), a bare number without a dot that is not a short heading (``30 Tage ...``), and
a plain number after a line that stops in mid-sentence (a wrapped line: the line ends in a
function word such as ``am``/``nach``/``the``/``of``, in German in any lower-case word, or is a
long line without final punctuation).

Headings
--------
A labelled line is a *heading* when its text after the label is a title: short (at most 12
words), no final punctuation except ``?`` or a lone full stop after a few words
(``12. Haftungsbeschränkung.``), not ending in a function word (``... und``, ``... of``)
and not a sentence (``3. Der Kunde haftet.``) -- ``§ 10 Datensicherung``, ``10. Datensicherung``, ``Section 12
Termination``, ``12.3 Suspension``. Decimal and capital-letter labels are not headings inside
a list: a run of short sibling items (``1. Name`` / ``2. Anschrift``) or after a line ending
in ``:`` when no body text follows. A bare ``§ 10`` followed by a short title line is one
heading (both lines). Items (``(3)``, ``a)``, ``(iv)``, ``1)``) are never headings.

An *unnumbered heading* is a short line (at most 10 words, 80 characters, no final
``.,;:!``, not ending in a year like ``Stand: Januar 2024``) after a finished paragraph and
before body text (``Haftung``, ``Limitation of Liability``). Not headings: a run of short
lines (title block, address, table of contents: only a line directly before body text can
be a heading), a short line before a numbered section that repeats it or continues the
numbering (``Ihre Inhalte`` + ``2. Ihre Inhalte. Bei ...``: a web page's anchor).

**Headings are their own short clause** (number and ref of the heading's label, heading path
of the *enclosing* headings), and open a section: the clauses that follow carry the heading
text (as printed, white space collapsed, bullets and ``#`` removed) in their
``heading_path``. Unnumbered headings sit under the current numbered heading, replace each
other (siblings), and are closed by the next numbered heading (a document title does not stay in the paths of numbered
sections). Numbered top-level headings of different schemes are siblings when the numbering
goes on (``10.`` then
``Ziffer 11``); ``I.``/``A.``/``Teil B`` headings contain the ``§``/numbered sections under
them; an annex (``Anlage``, ``Anhang``, ``Annex``, ``Appendix``, ``Schedule``, ``Exhibit``)
always starts again at the top.

Clauses
-------
* Each labelled line starts a clause that runs until the next clause. A label alone on its
  line (``(3)``) takes the next line with it.
* ``§ 3 Der Vertrag kommt zustande ...`` (a section label followed by body text, not a
  heading) is one clause with number and ref ``§ 3``; later ``(2)`` is ``§ 3 Abs. 2``.
* An unlabelled line **continues** the clause before it when that clause's last line ends
  without final punctuation or with ``:`` ``,`` ``;`` ``-`` (a list introduced by a colon, a
  wrapped line, a list item that goes on). Bullet items continue the clause before them in the
  same way (``(2) ... kündigen, wenn`` + ``- ...;`` + ``- ...`` is one clause, ref
  ``§ 10 Abs. 2``; each bullet line is still its own sentence).
* An unlabelled paragraph after a **German Absatz** -- ``(3)`` in a German document, or
  ``1.`` directly under ``§ 3`` -- belongs to that Absatz: ``(3) ... ausgeschlossen.`` +
  ``Dies gilt nicht bei Vorsatz.`` is one clause, ref ``§ 10 Abs. 3``, so a rule that looks
  at the clause sees the exception. (Not when the items follow a line ending in ``:``:
  then they are a list.)
* Otherwise an unlabelled paragraph is **its own clause** with ``number=None`` and the ref of
  the nearest enclosing section or Absatz -- never of a list item: after ``(2) ...:`` +
  ``a)`` + ``b)`` it cites ``§ 10 Abs. 2``, not ``lit. b``; after a heading ``§ 2`` it cites
  ``§ 2``; after ``12.3 ...`` + ``(a)`` + ``(b)`` it cites ``Section 12.3``. In English
  documents ``(1)``, ``(a)``, ``(iv)`` are list items. A bullet that starts its own clause
  takes the ref of the item it sits under (bullets after ``(2) Folgendes gilt.`` cite
  ``§ 10 Abs. 2``).
* Lines before any label (title, preamble) are clauses with ``ref=None``.

Refs
----
``ref`` is the reference a reader would cite, composed from the labelled ancestors. German
documents (``lang="de"``) use German citation style, English ones bracket style:

* ``§ 10`` + ``(3)`` + ``a)`` + ``aa)`` -> ``§ 10 Abs. 3 lit. a aa``
* ``§ 3`` + ``1.`` -> ``§ 3 Nr. 1``; ``Art. 5`` + ``(2)`` -> ``Art. 5 Abs. 2``
* decimal numbering is already complete: ``10`` + ``10.4`` -> ``10.4``; ``10.4`` + ``(3)`` ->
  ``10.4 Abs. 3`` (de) / ``10.4(3)`` (en); a list ``1.`` under ``10.4`` -> ``10.4 Nr. 1`` /
  ``10.4(1)``
* ``Section 12`` + ``12.3`` + ``(b)`` + ``(iv)`` -> ``Section 12.3(b)(iv)``;
  ``§ 10`` + ``10.1`` -> ``§ 10.1``
* ``II.`` + ``3.`` -> ``II.3``; a ``Teil``/``Part`` label is dropped when a ``§``, article
  or section number follows (those are unique within the contract).

Sentences
---------
Split on line breaks (each line is at least one sentence, so each list item is one) and
after ``.`` ``!`` ``?`` ``…`` followed by white space -- never on ``;`` or ``:``. A full stop
does not end a sentence

* before a lower-case letter (``ca. zwei``, LexGLUE's lower-cased ``the company 's
  services . we``) or a digit (``am 3. 5.``, ``Mo.–Fr. 9 Uhr``) -- unless the digit starts an
  enumerator (``... wählen. 2. Sie zahlen.``);
* after an abbreviation (``z. B.``, ``z.B.``, ``ggf.``, ``bzw.``, ``Abs.``, ``Nr.``,
  ``Ziff.``, ``Art.``, ``i. V. m.``, ``vgl.``, ``e.g.``, ``i.e.``, ``Sec.``,
  ``U.S.``, ``Mr.``, ``Dr.``, ``p.m.`` ... see ``HARD_ABBREVIATIONS``), after a single letter
  (initials, ``S. 1``) and after letter-dot groups (``i.V.m.``, ``U.S.``);
* after an ordinal number before a month, after ``am``/``zum``/``bis`` ... (``am 3. Mai``,
  ``bis zum 3. Werktag``), after a line-start label (``10. Haftung``), and after a number
  that begins its sentence or follows ``:``/``;`` (``Schritte: 1. Sie wählen.``);
* after ``etc.``, ``usw.``, ``Inc.``, ``Ltd.``, ``Corp.``, ``Co.``, ``MwSt.``, ``no.`` ...
  (``SOFT_ABBREVIATIONS``) unless a capitalised word follows directly (``Acme Inc. We ...``
  splits; ``Acme Inc. ("Acme")`` and all-caps ``GROUP INC. EXPRESSLY ...`` do not);
* when only punctuation follows on the line (LexGLUE's ``as is . ''``), and after a number in
  brackets (``(1. Farbe wählen)``).

Decimal numbers, URLs and e-mail addresses never split: a sentence end needs white space
after the punctuation. ``lang`` only matters for German ordinals (``bis zum 3. Werktag``),
which are recognised unless ``lang == "en"``.

Language and speed
------------------
``segment`` uses ``doc.lang`` for the ref style, or ``detect_language(doc.text)`` when it is
None. About 5 MB/s on real terms (150 PDF pages, 600 kB: under 0.1 s CPU); Clause and
Sentence objects are built with ``model_construct`` (the offsets are valid by construction).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from tosaudit.lang import detect_language
from tosaudit.models import Clause, Document, Sentence

__all__ = ["segment", "split_sentences", "HARD_ABBREVIATIONS", "SOFT_ABBREVIATIONS"]

# --------------------------------------------------------------------------- vocabulary

MONTHS = frozenset(
    """
    januar jänner februar feber märz maerz april mai juni juli august september oktober
    november dezember jan feb mär mrz apr jun jul aug sep sept okt nov dez
    january february march may june july october december oct dec
    """.split()
)

#: words that make a leading number an amount, time or duration rather than a label
UNITS = frozenset(
    """
    uhr eur euro € % prozent gb mb tb kb gbit mbit usd $ £ chf tage tagen tag wochen woche monate
    monaten monat jahre jahren jahr stunden stunde std minuten min sekunden werktage werktagen
    arbeitstage arbeitstagen kalendertage kalendertagen days day weeks week months month years
    year hours hour minutes percent cent ct mio millionen mrd x h
    """.split()
)

#: words after a section-like label that make it a citation ("§ 309 Nr. 7 BGB ist ...")
LAW_WORDS = frozenset(
    """
    abs nr s satz lit buchst ff f bgb hgb dsgvo gdpr uwg tkg tmg ttdsg ddg zpo urhg egbgb aeuv
    gg ustg ao stgb bdsg gwb ecrl eu eg und bis oder sowie of to and or
    """.split()
)

#: German words after which "3." is an ordinal ("am 3. Werktag", "bis zum 15. Kalendertag")
ORDINAL_CONTEXT = frozenset(
    """
    am zum vom im bis ab dem den der des die das zur jeweils jeden jedes jede jeder spätestens
    frühestens seit einem eines einer ersten ihrem ihres unserem
    """.split()
)

#: words a heading does not end with
FUNCTION_WORDS = frozenset(
    """
    am an auf aus bei bis da dass das dem den der des die durch ein eine einem einen einer eines
    für gegen im in ins mit nach ob oder ohne sowie sofern soweit über um und unter von vom vor
    wenn wie zu zum zur zwischen ist sind wird werden kann können muss gilt
    a an and as at be by for from if in into is of on or that the to with which who without
    may shall will must are our your its their this these
    """.split()
)

#: first words of a sentence that make "3. Der Kunde haftet." a clause, not a heading
SENTENCE_STARTERS = frozenset(
    """
    der die das ein eine es er sie wir ihr ihre dies diese dieser dieses jeder jede alle bei
    wenn soweit sofern falls the a an we you it this these our your any all if when each no
    """.split()
)

#: abbreviations after which a full stop never ends a sentence (compared lower-cased)
HARD_ABBREVIATIONS = frozenset(
    """
    abs nr nrn ziff lit buchst bspw evtl ggf ggfs bzw gem vgl inkl ca max min zzgl
    mind sog bzgl einschl ausschl insb insbes entspr str tel hr fr frl dr prof dipl ing kap anh
    anl abschn bd ff hs alt var aufl rn rz az urt tsd mio mrd ggü zus sep sept gez lfd tz anm
    zt zzt evtl allg abt std ital franz engl dt österr schweiz gesetzl ges mtl jährl monatl
    tägl exkl lt bes vers kfm
    e.g i.e mr mrs ms messrs st sec secs sect para paras cl vs approx incl excl dept est
    fig jr sr jan feb mar apr jun jul aug oct nov dec ch pp cf viz al esp resp govt
    """.split()
)
#: abbreviations only before a number ("Art. 6", "Art. IV"); otherwise the word itself
#: ("Schäden jeglicher Art. Im Übrigen ...", "state of the art. We ...")
NUMBER_ABBREVIATIONS = frozenset("art arts".split())
_RE_NUMBER_AHEAD = regex.compile(r"(?:\d|[IVXLC]+\b)")
#: case-sensitive abbreviations (they are ordinary words in lower case)
HARD_ABBREVIATIONS_CS = frozenset("Mo Di Mi Do Fr Sa So Mon Tue Wed Thu Fri Sat Sun".split())
#: abbreviations that end a sentence when an upper-case word follows
SOFT_ABBREVIATIONS = frozenset(
    "etc usw usf mwst ust inc ltd corp co llc plc gmbh ag kg bros no nos".split()
)

# --------------------------------------------------------------------------- regexes

_SEP = r"(?=[\s:–—\-]|$)"
_RE_MD = regex.compile(r"(#{1,6})\s+")
_RE_BULLET = regex.compile(r"([-–—•·▪▫■□►▶◦●○∙‣⁃*+✓✔➢➤→»])\s+")
_RE_PARA = regex.compile(r"§\s*(\d{1,3}[a-z]?)\.?" + _SEP)
_RE_ART = regex.compile(r"(Artikel|ARTIKEL|Article|ARTICLE|Art\.?|ART\.?)\s*(\d{1,3}[a-z]?)\.?" + _SEP)
_RE_ZIFF = regex.compile(r"(Ziffer|ZIFFER|Ziff\.)\s*(\d{1,3}(?:\.\d{1,2})*)\.?" + _SEP)
_RE_SECTION = regex.compile(
    r"(Section|SECTION|Sect\.|Sec\.|Clause|CLAUSE|Paragraph|PARAGRAPH)\s+(\d{1,3}(?:\.\d{1,2})*[a-z]?)\.?" + _SEP
)
_RE_PART = regex.compile(
    r"(Teil|TEIL|Abschnitt|ABSCHNITT|Kapitel|KAPITEL|Part|PART|Chapter|CHAPTER|Anlage|Anhang|"
    r"Annex|Appendix|Schedule|Exhibit)\s+([A-Z]|[IVXLC]{1,6}|\d{1,2})\.?" + _SEP
)
_RE_DEC = regex.compile(r"(\d{1,3})((?:\.(?:[1-9]\d?|0))*)(\.?)(?=\s|$)")
_RE_NUMCLOSE = regex.compile(r"(\d{1,3})\)(?=\s|$)")
_RE_PAREN_NUM = regex.compile(r"\((\d{1,3}[a-z]?)\)(?=\s|$|[A-ZÄÖÜ„\"])")
_RE_PAREN_LET = regex.compile(r"\(([a-z]{1,5}|[A-Z]{1,5})\)(?=\s|$)")
_RE_CLOSE_LET = regex.compile(r"([a-z]{1,5}|[A-Z]{1,5})\)(?=\s|$)")
_RE_DOT_LET = regex.compile(r"([a-z]|[ivx]{2,5}|[A-Z]|[IVXLC]{2,6})\.(?=\s|$)")
_RE_ROMAN = regex.compile(r"(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", regex.I)
_RE_ABBR_START = regex.compile(r"[A-Za-zÄÖÜäöü]\.")
_RE_LEAD_SEP = regex.compile(r"[\s:–—\-.]*")
_RE_FIRST_WORD = regex.compile(r"[\w€$£%]+")
_RE_SENT_INSIDE = regex.compile(r"[a-zäöüß]{2}[.!?]\s+[A-ZÄÖÜ]")
_RE_ENUM_AHEAD = regex.compile(r"\d{1,2}[.)]\s+[A-ZÄÖÜ]")
_RE_LEAD_NUMBER = regex.compile(r"\d{1,4}\b")
_RE_ALNUM = regex.compile(r"[^\W_]")
_RE_LAST_WORD = regex.compile(r"\w+$")
_RE_YEAR_END = regex.compile(r"\b(?:19|20)\d\d\s*$")

# sentences
_RE_CAND = regex.compile(r"(?:\.{2,}|[.!?…])+[\"'”“’»«)\]]*(?=\s|$)")
_RE_DOTTED = regex.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_RE_NUMBER = regex.compile(r"\d+(?:\.\d+)*")
_RE_LABEL_PREFIX = regex.compile(
    r"\s*(?:[-–•*▪]\s+)?(?:#{1,6}\s+)?(?:§\s*\d{1,3}[a-z]?|"
    r"(?:Art|Artikel|Article|Section|Sec|Sect|Ziffer|Ziff|Clause|Teil|Part|Abschnitt|Kapitel|Chapter)\.?\s*"
    r"(?:\d{1,3}(?:\.\d{1,2})*|[IVXLC]{1,6}|[A-Z])|\d{1,3}(?:\.\d{1,2})*|[IVXLC]{1,6}|[A-Za-z]|[ivx]{1,5}|"
    r"\(?[a-z]{1,5}\)|\(\d{1,3}[a-z]?\))\s*"
)
_RE_WORD_BEFORE = regex.compile(r"(\w+)\s+\S+\s*$")
_OPENERS = "\"'„“‚‘«»([{"

# --------------------------------------------------------------------------- lines and labels

SECTION_KINDS = frozenset({"para", "art", "ziffer", "section", "part", "uroman", "ualpha", "md"})
WORD_KINDS = frozenset({"para", "art", "ziffer", "section", "part"})
_ANNEX_WORDS = frozenset({"anlage", "anhang", "annex", "appendix", "schedule", "exhibit"})
_TOP_KINDS = frozenset({"para", "art", "ziffer", "section", "dec"})


@dataclass(slots=True)
class _Label:
    kind: str  # para art ziffer section part dec numclose paren_num letter bullet
    style: str = ""  # letters: "()", ")", "."; bullets: the bullet character
    word: str = ""  # "§", "Art.", "Section", ...
    ident: str = ""  # "10", "10.4", "3a", "iv", "B"
    nums: tuple[int, ...] = ()
    rest: str = ""  # text after the label (stripped of separators)
    md: int = 0  # markdown heading level (0 = none)

    def family(self) -> tuple[str, str, bool]:
        """Kind ignoring the letter/roman ambiguity (for look-ahead)."""
        return (self.kind, self.style, self.ident[:1].isupper())


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    blank_before: bool
    label: _Label | None = None
    #: "heading" | "uhead" | "title" (second line of a split heading) | "" (body)
    role: str = ""
    #: a label alone on its line: the next line belongs to the same clause
    bare: bool = False
    #: the line stops in mid-sentence (see ``_open_end``)
    open: bool = False


def _open_end(s: str, de: bool) -> bool:
    """True when a line stops in mid-sentence: a wrapped line or a list intro without colon.

    A line ending in a hyphen or dash, a long line ending in a letter or digit, and a short
    one ending in a function word ("fällig am", "the costs of") are open; in German also a
    short line ending in a lower-case word (German headings end in a noun).
    """
    if not s:
        return False
    c = s[-1]
    if c in "-–":
        return True
    if not c.isalnum():
        return False
    if not _heading_like(s):
        return True
    m = _RE_LAST_WORD.search(s)
    if not m:
        return False
    w = m.group(0)
    if w.lower() in FUNCTION_WORDS:
        return True
    return de and w[0].islower()


def _first_word(s: str) -> str:
    m = _RE_FIRST_WORD.match(s)
    return m.group(0).lower() if m else ""


def _heading_like(s: str, max_len: int = 100, max_words: int = 12) -> bool:
    if not s or len(s) > max_len:
        return False
    if s[-1] in ".,;:!…" or s.endswith("..."):
        return False
    c = s[0]
    if c in _OPENERS:
        c = s[1:2] or "x"
    if not (c.isupper() or c.isdigit() or c == "§"):
        return False
    if not any(ch.isalpha() for ch in s):
        return False
    if s.count(" ") + 1 > max_words:
        return False
    if _RE_SENT_INSIDE.search(s):
        return False
    return True


def _title_like(rest: str, de: bool) -> bool:
    """The text after a label is a heading: short, no final punctuation except a lone full stop
    ("12. Haftungsbeschränkung.", "3. Limitation of Liability."), not ending in a function word,
    and not a sentence ("Der Kunde haftet.", "Die Sicherungen werden 14 Tage aufbewahrt").
    ``de`` is accepted for symmetry with ``_open_end`` but not needed: after a label, German
    headings may end in a lower-case verb ("30. Eine Beschwerde einreichen")."""
    core = rest
    if len(rest) > 2 and rest[-1] == "." and rest[-2].isalpha() and ". " not in rest:
        core = rest[:-1]
        if not _heading_like(core, 80, 8):
            return False
    elif not _heading_like(rest):
        return False
    if _open_end(core, False):
        # only a function word at the end counts here: after a number, German headings may
        # end in a verb ("30. Eine Beschwerde einreichen")
        return False
    words = core.split()
    if words[0].lower() in SENTENCE_STARTERS and (len(words) >= 5 or core is not rest):
        return False  # "Der Kunde haftet.", "Die Sicherungen werden 14 Tage aufbewahrt"
    return True


def _uhead_like(s: str) -> bool:
    return s[0] != "§" and _heading_like(s, 80, 10) and not _RE_YEAR_END.search(s)


def _period_title(s: str) -> bool:
    """An unnumbered title with a full stop ("Ihre Bestellung.", "Preise und Zahlung.",
    "Your Order."): every word capitalised or a function word, so no verb in lower case
    ("Änderungen bleiben vorbehalten." is a sentence); all-caps only up to three words."""
    if len(s) < 3 or s[-1] != "." or not s[-2].isalpha() or ". " in s:
        return False
    core = s[:-1]
    if not _uhead_like(core):
        return False
    words = core.split()
    if len(words) > 8 or (core.isupper() and len(words) > 3):
        return False
    return all(not w[0].isalpha() or w[0].isupper() or w.lower() in FUNCTION_WORDS for w in words)


def _roman_value(s: str) -> int:
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    s = s.lower()
    total = 0
    for i, ch in enumerate(s):
        v = vals[ch]
        if i + 1 < len(s) and vals[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total


def _is_roman(s: str) -> bool:
    return bool(_RE_ROMAN.fullmatch(s))


def _letter_ok(s: str) -> bool:
    """Single letter, doubled letter (aa) or roman numeral."""
    return len(s) == 1 or (len(s) == 2 and s[0] == s[1] and s.islower()) or _is_roman(s)


def _parse_label(text: str, prev: _Line | None) -> _Label | None:
    """The label at the start of ``text`` (a trimmed line), or None."""
    md = 0
    pos = 0
    m = _RE_MD.match(text)
    if m:
        md = len(m.group(1))
        pos = m.end()
    lab = _parse_core(text, pos, prev)
    if lab is None and md == 0:
        m = _RE_BULLET.match(text)
        if m:
            inner = _parse_core(text, m.end(), prev)
            if inner is not None and inner.kind != "bullet":
                return inner
            return _Label("bullet", style=m.group(1), rest=text[m.end() :])
    if md:
        if lab is None:
            lab = _Label("md", rest=text[pos:].strip())
        lab.md = md
    return lab


def _rest(text: str, end: int) -> str:
    return text[_RE_LEAD_SEP.match(text, end).end() :].strip()


def _word_label_ok(rest: str, raw_rest: str) -> bool:
    """A word label (§, Art., Section) is a citation when a lower-case word or a law follows."""
    if not rest:
        return True
    if raw_rest[:1] in ",;" or raw_rest.lstrip()[:1] in ",;":
        return False
    c = rest[0]
    if c.islower():
        return False
    fw = _first_word(rest)
    if fw in LAW_WORDS or fw.isdigit():
        return False
    return True


def _parse_core(text: str, pos: int, prev: _Line | None) -> _Label | None:
    c = text[pos : pos + 1]
    if not c:
        return None
    if c == "§":
        m = _RE_PARA.match(text, pos)
        if not m:
            return None
        rest = _rest(text, m.end())
        if not _word_label_ok(rest, text[m.end() :]):
            return None
        return _Label("para", word="§", ident=m.group(1), nums=(_int(m.group(1)),), rest=rest)
    if c.isdigit():
        return _parse_number(text, pos, prev)
    if c == "(":
        m = _RE_PAREN_NUM.match(text, pos)
        if m:
            return _Label("paren_num", style="()", ident=m.group(1), nums=(_int(m.group(1)),), rest=_rest(text, m.end()))
        m = _RE_PAREN_LET.match(text, pos)
        if m and _letter_ok(m.group(1)):
            return _Label("letter", style="()", ident=m.group(1), rest=_rest(text, m.end()))
        return None
    if c.isalpha():
        if c.isupper():
            for rx, kind in ((_RE_ART, "art"), (_RE_ZIFF, "ziffer"), (_RE_SECTION, "section"), (_RE_PART, "part")):
                m = rx.match(text, pos)
                if m:
                    rest = _rest(text, m.end())
                    if kind != "part" and not _word_label_ok(rest, text[m.end() :]):
                        return None
                    if kind == "part" and rest and not (_heading_like(rest) or _heading_like(rest.rstrip("."), 60, 4)):
                        return None  # "ABSCHNITT 21 DIESER VEREINBARUNG ENTHÄLT ...": a sentence
                    ident = m.group(2)
                    nums = tuple(_int(x) for x in ident.split(".")) if ident[:1].isdigit() else ()
                    return _Label(kind, word=m.group(1), ident=ident, nums=nums, rest=rest)
        m = _RE_CLOSE_LET.match(text, pos)
        if m and _letter_ok(m.group(1)):
            return _Label("letter", style=")", ident=m.group(1), rest=_rest(text, m.end()))
        m = _RE_DOT_LET.match(text, pos)
        if m:
            after = text[m.end() :].lstrip()
            if _RE_ABBR_START.match(after):  # "z. B. ...", "i. V. m. ..."
                return None
            ident = m.group(1)
            if len(ident) > 1 and not _is_roman(ident):
                return None
            if ident.islower() and (not after or not (after[0].isupper() or after[0] in _OPENERS)):
                # "a. the ..." is fine after a list intro; elsewhere "u. a." etc. are prose
                if not (prev and (prev.text[-1] in ":;," or prev.label is not None and prev.label.style == ".")):
                    return None
            return _Label("letter", style=".", ident=ident, rest=_rest(text, m.end()))
    return None


def _int(s: str) -> int:
    d = "".join(ch for ch in s if ch.isdigit())
    return int(d) if d else 0


def _parse_number(text: str, pos: int, prev: _Line | None) -> _Label | None:
    m = _RE_NUMCLOSE.match(text, pos)
    kind = ""
    if m:
        kind = "numclose"
        ident = m.group(1)
        nums: tuple[int, ...] = (int(ident),)
    else:
        m = _RE_DEC.match(text, pos)
        if not m:
            return None
        ident = m.group(1) + m.group(2)
        nums = tuple(int(x) for x in ident.split("."))
        kind = "dec"
        if not m.group(3) and not m.group(2):
            kind = "decbare"  # "10 Datensicherung": only a label as a short heading
    raw_after = text[m.end() :]
    rest = raw_after.strip()
    fw = _first_word(rest)
    if fw in MONTHS or fw in UNITS or rest[:1] in "%€$£":
        return None
    if _RE_LEAD_NUMBER.match(rest):  # "3. 5. 2024", "1. 30 Tage"
        return None
    if prev is not None and prev.open:
        # a long line that stops in mid-sentence: the number continues it, unless the previous
        # line is a sibling item of the same list ("1. Name" / "2. Anschrift")
        pl = prev.label
        if not (pl is not None and pl.kind == kind and len(pl.nums) == len(nums)):
            return None
    if kind == "decbare":
        if not _heading_like(rest) or len(nums) != 1 or nums[0] > 99:
            return None
        if prev is not None and not prev.blank_before and prev.text[-1:] not in ".!?\"”)" and not _heading_like(prev.text):
            return None
    return _Label("dec" if kind == "decbare" else kind, ident=ident, nums=nums, rest=rest, style="bare" if kind == "decbare" else "")


# --------------------------------------------------------------------------- hierarchy


@dataclass(slots=True)
class _Node:
    kind: str
    key: tuple
    value: int
    nums: tuple[int, ...]
    number: str | None
    ref: str | None
    heading: bool
    htext: str = ""
    section: bool = False  # an unnumbered paragraph inside takes this node's ref
    labelled: bool = True
    #: "section" (a section or a section label with body), "absatz" (a German paragraph
    #: "(3)" or "1." directly under a section) or "sub" (an item of a list: a), (iv), 1) ...)
    level: str = "sub"


def _letter_options(lab: _Label) -> list[tuple[str, int]]:
    s = lab.ident
    low = s.islower()
    opts: list[tuple[str, int]] = []
    alpha_kind = "alpha" if low else "ualpha"
    roman_kind = "roman" if low else "uroman"
    if len(s) == 1:
        opts.append((alpha_kind, ord(s.lower()) - 96))
        if _is_roman(s):
            opts.append((roman_kind, _roman_value(s)))
    elif len(s) == 2 and s[0] == s[1] and low:
        opts.append(("aa", ord(s[0]) - 96))
        if _is_roman(s):
            opts.append((roman_kind, _roman_value(s)))
    elif _is_roman(s):
        opts.append((roman_kind, _roman_value(s)))
    return opts


def _find_successor(stack: list[_Node], key: tuple, value: int, heading: bool) -> int:
    best = -1
    for i in range(len(stack) - 1, -1, -1):
        n = stack[i]
        if n.key == key and n.value == value - 1:
            if n.heading == heading:
                return i
            if best < 0:
                best = i
    return best


def _resolve_letter(stack: list[_Node], lab: _Label) -> tuple[str, int]:
    opts = _letter_options(lab)
    if len(opts) == 1:
        return opts[0]
    for kind, v in opts:
        if _find_successor(stack, (kind, lab.style), v, False) >= 0:
            return kind, v
    roman = next(o for o in opts if o[0] in ("roman", "uroman"))
    if any(n.key == (roman[0], lab.style) for n in stack):
        return roman
    if len(lab.ident) > 1 or lab.ident in "iI":
        return roman
    return opts[0]


def _fmt_number(kind: str, lab: _Label, lang: str) -> str | None:
    if kind == "para":
        return "§ " + lab.ident
    if kind == "art":
        return ("Art. " if lang == "de" else "Article ") + lab.ident
    if kind == "ziffer":
        return "Ziff. " + lab.ident
    if kind == "section":
        w = lab.word.rstrip(".").capitalize()
        w = {"Sec": "Section", "Sect": "Section"}.get(w, w)
        return f"{w} {lab.ident}"
    if kind == "part":
        return f"{lab.word.capitalize()} {lab.ident}"
    if kind == "dec":
        return lab.ident
    if kind == "paren_num":
        return f"({lab.ident})"
    if kind == "numclose":
        return f"{lab.ident})"
    if kind in ("alpha", "aa", "roman", "ualpha", "uroman"):
        if lab.style == "()":
            return f"({lab.ident})"
        return lab.ident + lab.style
    return None


def _compose_ref(chain: list[_Node], kind: str, lab: _Label, number: str, lang: str) -> str:
    """The citable reference of a new labelled node under ``chain`` (the labelled ancestors)."""
    de = lang == "de"
    labelled = [n for n in chain if n.labelled and n.ref]
    prev = labelled[-1] if labelled else None
    if kind in WORD_KINDS:
        return number
    if kind in ("uroman", "ualpha") and (prev is None or prev.kind == "part"):
        return lab.ident
    base = prev.ref if prev else ""
    if kind in ("uroman", "ualpha"):
        # "A. ..." items under "8. Inhalte": 8 lit. A / 8(A)
        if not de:
            return f"{base}({lab.ident})"
        return f"{base} lit. {lab.ident}" if kind == "ualpha" else f"{base} ({lab.ident})"
    if kind == "dec":
        if prev is None or prev.kind == "part":
            return number
        if prev.kind == "dec" and (
            lab.nums[: len(prev.nums)] == prev.nums and len(lab.nums) > len(prev.nums) or prev.heading and len(lab.nums) >= 2
        ):
            # decimal numbers are complete; keep a "Section "/"§ " prefix of the parent's ref
            if prev.ref and prev.number and prev.ref.endswith(prev.number):
                return prev.ref[: len(prev.ref) - len(prev.number)] + number
            return number
        if prev.kind in ("para", "section", "art", "ziffer") and prev.nums and lab.nums[0] == prev.nums[0] and len(lab.nums) > 1:
            word = prev.ref.rsplit(" ", 1)[0] if prev.ref and " " in prev.ref else ""
            return f"{word} {number}".strip()
        if prev.kind in ("uroman", "ualpha"):
            return f"{base}.{number}"
        if len(lab.nums) > 1:
            return number
        return f"{base} Nr. {lab.ident}" if de else f"{base}({lab.ident})"
    if not base:
        return number
    sect_like = prev is not None and (prev.kind in SECTION_KINDS or prev.kind == "dec")
    if kind == "paren_num":
        if de:
            return f"{base} Abs. {lab.ident}" if sect_like else f"{base} ({lab.ident})"
        return f"{base}({lab.ident})"
    if kind == "numclose":
        return f"{base} Nr. {lab.ident}" if de else f"{base}({lab.ident})"
    if kind == "alpha":
        return f"{base} lit. {lab.ident}" if de else f"{base}({lab.ident})"
    if kind == "aa":
        return f"{base} {lab.ident}" if de else f"{base}({lab.ident})"
    if kind == "roman":
        return f"{base} ({lab.ident})" if de else f"{base}({lab.ident})"
    return f"{base} {number}"


class _Builder:
    def __init__(self, lang: str):
        self.lang = lang
        self.stack: list[_Node] = []

    def headings(self) -> list[str]:
        return [n.htext for n in self.stack if n.heading and n.htext]

    def section_ref(self) -> str | None:
        for n in reversed(self.stack):
            if n.section and n.ref:
                return n.ref
        return None

    def item_ref(self) -> str | None:
        for n in reversed(self.stack):
            if n.labelled and n.ref:
                return n.ref
        return None

    def push_uhead(self, htext: str) -> None:
        st = self.stack
        idx = next((i for i in range(len(st) - 1, -1, -1) if st[i].kind == "uhead"), -1)
        if idx >= 0:
            del st[idx:]
        else:
            while st and not st[-1].heading:
                st.pop()
        st.append(_Node("uhead", ("uhead",), 0, (), None, None, True, htext, False, False))

    def para_ref(self) -> str | None:
        """Ref for an unnumbered paragraph: the nearest section or Absatz, not a list item."""
        for n in reversed(self.stack):
            if n.labelled and n.ref and n.level != "sub":
                return n.ref
        return None

    def push_label(self, lab: _Label, heading: bool, htext: str, after_colon: bool = False) -> _Node:
        """Put a labelled line on the stack. ``after_colon``: the line before ends with ":"
        (a list starts: its items are list items, not paragraphs)."""
        st = self.stack
        lang = self.lang
        if lab.kind == "letter":
            kind, value = _resolve_letter(st, lab)
            key: tuple = (kind, lab.style)
        elif lab.kind == "md":
            kind, value, key = "md", 0, ("md", lab.md)
        else:
            kind = lab.kind
            value = lab.nums[-1] if lab.nums else 0
            depth = len(lab.nums)
            key = (kind, depth, lab.style if kind == "dec" else "")
            if kind == "part":
                key = ("part", lab.word.lower())
        if lab.md and kind != "md":
            key = key + (lab.md,)
        number = _fmt_number(kind, lab, lang) if kind != "md" else None

        # where does it go?
        pos = -1
        if kind in ("dec", "section", "ziffer") and len(lab.nums) > 1:
            parent_nums = lab.nums[:-1]
            for i in range(len(st) - 1, -1, -1):
                n = st[i]
                if n.nums == parent_nums and n.kind in ("dec", "section", "para", "art", "ziffer"):
                    pos = i + 1
                    break
                if n.kind == kind and len(n.nums) == len(lab.nums) and n.nums[:-1] == parent_nums:
                    pos = i
                    break
        if pos < 0:
            i = _find_successor(st, key, value, heading)
            if i >= 0:
                pos = i
            else:
                same = [j for j in range(len(st)) if st[j].key == key]
                if same:
                    j = same[-1]
                    if value <= 1 and st[j].heading and not heading:
                        pos = len(st)  # a list "1." inside a section "10."
                    else:
                        # a list that starts again, or a gap in the numbering: a sibling
                        hs = [k for k in same if st[k].heading == heading]
                        pos = hs[-1] if hs else j
                elif kind == "part":
                    # "Teil B", "Anhang A", "Annex 1" sit above the numbered sections: under
                    # another kind of part at most ("Teil A" > "Kapitel 2")
                    pos = 0
                    if lab.word.lower() not in _ANNEX_WORDS:
                        pos = max((j + 1 for j in range(len(st)) if st[j].kind == "part"), default=0)
                else:
                    pos = len(st)
                    if heading and kind in _TOP_KINDS and len(lab.nums) == 1:
                        # "Ziffer 11" after "10.": numbered top-level headings are one level
                        for j in range(len(st) - 1, -1, -1):
                            if st[j].heading and st[j].kind in _TOP_KINDS and len(st[j].nums) == 1:
                                if lab.nums[0] > st[j].nums[0]:  # numbering goes on: a sibling
                                    pos = j
                                break
        sibling = st[pos] if pos < len(st) and st[pos].key == key and st[pos].heading == heading else None
        del st[pos:]
        if heading or kind in WORD_KINDS or kind == "md":
            # headings and sections never nest under items or unnumbered headings
            while st and (not st[-1].heading and not st[-1].section or st[-1].kind == "uhead"):
                st.pop()
        chain = st
        parent = st[-1] if st else None
        ref = _compose_ref(chain, kind, lab, number or "", lang) if kind != "md" else None
        # a decimal number is a section unless it is a list item under something else
        # ("1." under "10.4" cites as "10.4 Nr. 1" / "10.4(1)")
        dec_item = kind == "dec" and ref is not None and (ref.endswith(f" Nr. {lab.ident}") or ref.endswith(f"({lab.ident})"))
        if kind in ("uroman", "ualpha") and not heading and any(n.labelled and n.ref for n in st):
            section = False  # an item "A." under "8."
        else:
            section = kind in SECTION_KINDS
        section = section or (
            kind == "dec" and not dec_item and all(n.section or n.kind in ("uhead", "md") for n in st)
        )
        if kind == "md":
            section = False
        de = lang == "de"
        if sibling is not None and not heading:
            level, section = sibling.level, sibling.section  # the items of one list are alike
        elif after_colon and not heading and kind == "dec":
            level, section = "sub", False  # "folgende Daten:" + "1. Name": a list
        elif heading or section:
            level = "section"
        elif (kind == "paren_num" or dec_item and parent is not None and parent.section) and de and not after_colon:
            level = "absatz"  # German "(3)", or "1." directly under "§ 3"
        else:
            level = "sub"
        node = _Node(kind, key, value, lab.nums, number, ref, heading, htext if heading else "", section, kind != "md", level)
        st.append(node)
        return node


# --------------------------------------------------------------------------- pass 1-3


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    off = 0
    blank = True
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            ls = off + (len(raw) - len(raw.lstrip()))
            out.append(_Line(ls, ls + len(stripped), stripped, blank))
            blank = False
        else:
            blank = True
        off += len(raw)
    return out


def _is_body(ln: _Line | None, de: bool) -> bool:
    """Line looks like running text (not a heading candidate)."""
    if ln is None:
        return False
    lab = ln.label
    if lab is None:
        return not _heading_like(ln.text)
    if lab.kind in WORD_KINDS or lab.kind == "md":
        return False
    if lab.kind == "dec" and _title_like(lab.rest, de):
        return False
    if lab.kind == "letter" and lab.ident[:1].isupper() and _title_like(lab.rest, de):
        return False
    return True


def _classify(lines: list[_Line], de: bool) -> None:
    n = len(lines)
    prev: _Line | None = None
    for i, ln in enumerate(lines):
        ln.open = _open_end(ln.text, de)
        ln.label = _parse_label(ln.text, prev)
        prev = ln
    for i, ln in enumerate(lines):
        if ln.role == "title":
            continue
        prv = lines[i - 1] if i else None
        nxt = lines[i + 1] if i + 1 < n else None
        lab = ln.label
        if lab is None:
            if (
                (_uhead_like(ln.text) or _period_title(ln.text))
                and _after_paragraph(prv, ln)
                and _is_body(nxt, de)
                and not _numbered_section_follows(ln, nxt)
            ):
                ln.role = "uhead"
            continue
        if lab.md:
            ln.role = "heading"
            continue
        kind = lab.kind
        if kind in WORD_KINDS:
            if not lab.rest:
                if nxt is not None and nxt.label is None and _heading_like(nxt.text, 100, 12):
                    nn = lines[i + 2] if i + 2 < n else None
                    if nn is None or _is_body(nn, de) or nn.label is not None:
                        nxt.role = "title"
                ln.role = "heading"
            elif _title_like(lab.rest, de):
                ln.role = "heading"
            continue
        if kind == "dec" or (kind == "letter" and lab.ident[:1].isupper() and lab.style in (".", ")")):
            if not lab.rest:
                if nxt is not None and nxt.label is None and _heading_like(nxt.text) and _is_body(lines[i + 2] if i + 2 < n else None, de):
                    nxt.role = "title"
                    ln.role = "heading"
                else:
                    ln.bare = True
                continue
            # a run of short sibling items ("1. Name" / "2. Anschrift") is a list, not headings
            in_list = (_sibling(prv, ln) and _title_like(prv.label.rest, de)) or (
                _sibling(ln, nxt) and _title_like(nxt.label.rest, de)
            )
            if prv is not None and prv.text.endswith(":") and not (nxt is not None and nxt.label is None and _is_body(nxt, de)):
                in_list = True  # "Folgende Leistungen:" + "1. Speicher" + "2. ..."
            if _title_like(lab.rest, de) and not in_list and nxt is not None:
                ln.role = "heading"
            elif lab.style == "bare":
                ln.label = None  # "10 Tage ..." is not a label after all
            continue
        if kind == "bullet":
            if (
                _heading_like(lab.rest, 80, 10)
                and _after_paragraph(prv, ln)
                and not (prv is not None and prv.label is not None and prv.label.kind == "bullet")
                and nxt is not None
                and nxt.label is None
                and _is_body(nxt, de)
            ):
                ln.role = "uhead"
            continue
        if not lab.rest:
            ln.bare = True


def _numbered_section_follows(ln: _Line, nxt: _Line | None) -> bool:
    """A short line before a numbered top-level section that repeats it ("Ihre Inhalte" +
    "2. Ihre Inhalte. Bei ...") or continues the numbering is an anchor, not a heading."""
    if nxt is None or nxt.label is None:
        return False
    lab = nxt.label
    if not (lab.kind in WORD_KINDS or lab.kind == "dec" and len(lab.nums) == 1):
        return False
    return lab.rest.lower().startswith(ln.text.lower()) or bool(lab.nums) and lab.nums[-1] > 1


def _sibling(a: _Line | None, b: _Line | None) -> bool:
    """``b`` continues the list that ``a`` belongs to (same label family, next value)."""
    if a is None or b is None or a.label is None or b.label is None:
        return False
    la, lb = a.label, b.label
    if la.family() != lb.family():
        return False
    if la.kind == "dec":
        return len(la.nums) == len(lb.nums) and la.nums[:-1] == lb.nums[:-1] and lb.nums[-1] == la.nums[-1] + 1
    return True


def _after_paragraph(prv: _Line | None, ln: _Line) -> bool:
    if prv is None:
        return True
    if prv.role in ("heading", "uhead", "title"):
        return True
    last = prv.text[-1]
    if last in ".!?\"”“)»]":
        return True
    return ln.blank_before and last not in ":,;" and not prv.open


# --------------------------------------------------------------------------- segment


@dataclass(slots=True)
class _Group:
    start: int
    end: int
    number: str | None
    ref: str | None
    path: list[str]
    heading: bool = False
    last: _Line | None = None
    bare: bool = False
    #: unnumbered paragraphs that follow belong to this clause (a German Absatz)
    absorbs: bool = False


def segment(doc: Document) -> list[Clause]:
    """Split ``doc.text`` into clauses; see the module docstring for the rules."""
    text = doc.text
    lang = doc.lang or detect_language(text)[0]
    lines = _lines(text)
    _classify(lines, lang == "de")
    b = _Builder(lang)
    groups: list[_Group] = []
    cur: _Group | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            groups.append(cur)
            cur = None

    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        lab = ln.label
        if ln.role == "title":  # orphan title (its heading was not one after all)
            ln.role = ""
        if ln.role in ("heading", "uhead"):
            close()
            end = ln.end
            htext = ln.text
            if i + 1 < n and lines[i + 1].role == "title":
                end = lines[i + 1].end
                htext = f"{ln.text} {lines[i + 1].text}"
                i += 1
            htext = " ".join(htext.lstrip("#").split())
            if lab is not None and lab.kind == "bullet":
                htext = lab.rest
            elif lab is not None:
                bm = _RE_BULLET.match(htext)
                if bm:
                    htext = htext[bm.end() :]
            if ln.role == "uhead" or lab is None or lab.kind == "bullet":
                b.push_uhead(htext)
                cur = _Group(ln.start, end, None, b.section_ref(), b.headings()[:-1], heading=True)
            else:
                node = b.push_label(lab, True, htext)
                cur = _Group(ln.start, end, node.number, node.ref, b.headings()[:-1], heading=True)
            close()
            i += 1
            continue
        if lab is not None and lab.kind != "bullet":
            close()
            after_colon = i > 0 and lines[i - 1].text.endswith(":")
            node = b.push_label(lab, False, "", after_colon)
            cur = _Group(ln.start, ln.end, node.number, node.ref, b.headings(), last=ln, bare=ln.bare,
                         absorbs=node.level == "absatz")
            i += 1
            continue
        # unlabelled line or bullet item
        if cur is not None and not cur.heading and (cur.bare or cur.absorbs or _continues(cur.last, ln)):
            cur.end = ln.end
            cur.last = ln
            cur.bare = False
        else:
            close()
            ref = b.item_ref() if lab is not None else b.para_ref()
            cur = _Group(ln.start, ln.end, None, ref, b.headings(), last=ln)
        i += 1
    close()

    starts = [p.start for p in doc.pages]
    numbers = [p.number for p in doc.pages]

    def page(off: int) -> int | None:
        if not starts:
            return None
        k = bisect.bisect_right(starts, off) - 1
        return numbers[max(k, 0)]

    out: list[Clause] = []
    for idx, g in enumerate(groups):
        out.append(
            Clause.model_construct(
                index=idx,
                number=g.number,
                ref=g.ref,
                heading_path=g.path,
                start=g.start,
                end=g.end,
                page=page(g.start),
                page_end=page(g.end - 1),
                sentences=split_sentences(text, g.start, g.end, lang),
            )
        )
    return out


def _continues(prev: _Line, ln: _Line) -> bool:
    """An unlabelled line (or bullet) after the line ``prev`` belongs to the same clause."""
    last = prev.text[-1:]
    if last in (":", ",", ";") or prev.open:
        return True
    if last.isalnum():
        # a short line without punctuation ("- Name") goes on with another bullet or in lower case
        return (ln.label is not None and ln.label.kind == "bullet") or ln.text[:1].islower()
    return False


# --------------------------------------------------------------------------- sentences


def split_sentences(text: str, start: int = 0, end: int | None = None, lang: str | None = None) -> list[Sentence]:
    """Sentences of ``text[start:end]`` (offsets into ``text``); see the module docstring."""
    if end is None or end > len(text):
        end = len(text)
    start = max(0, start)
    out: list[Sentence] = []
    if start >= end:
        return out
    de = lang != "en"
    region = text[start:end]
    off = start
    for raw in region.splitlines(keepends=True):
        line_start = off
        off += len(raw)
        s = raw.strip()
        if not s:
            continue
        ls = line_start + (len(raw) - len(raw.lstrip()))
        le = ls + len(s)
        cut = ls
        for m in _RE_CAND.finditer(text, ls, le):
            if _is_boundary(text, ls, le, m.start(), m.end(), de, cut):
                piece_end = m.end()
                _add(out, text, cut, piece_end)
                cut = piece_end
        _add(out, text, cut, le)
    return out


def _add(out: list[Sentence], text: str, a: int, b: int) -> None:
    seg = text[a:b]
    st = seg.strip()
    if not st:
        return
    a2 = a + (len(seg) - len(seg.lstrip()))
    # model_construct: the offsets are ints by construction; validation would double the cost
    out.append(Sentence.model_construct(start=a2, end=a2 + len(st)))


def _is_boundary(text: str, ls: int, le: int, ps: int, pe: int, de: bool, cut: int) -> bool:
    """Does the punctuation ``text[ps:pe]`` end a sentence? ``cut``: where the sentence began."""
    # next non-space character on the line
    j = pe
    while j < le and text[j].isspace():
        j += 1
    if j >= le:
        return True
    nxt = text[j]
    if _RE_ALNUM.search(text, j, le) is None:
        return False  # only punctuation follows ("as is . ''")
    k = j
    while k < le and text[k] in _OPENERS:
        k += 1
    first = text[k] if k < le else nxt
    if first.islower():
        return False
    punct = text[ps:pe]
    if first.isdigit() and punct[:1] == "." and not _RE_ENUM_AHEAD.match(text, k, le):
        # "S. 3", "am 3. 5. 2024", "Mo.–Fr. 9 Uhr": a sentence rarely starts with a digit,
        # unless it is an enumerator ("... wählen. 2. Sie zahlen.")
        return False
    if "." not in punct or "..." in punct or "…" in punct:
        return True  # "!", "?", ellipsis
    if punct.count(".") > 1:
        return True
    # the full stop: what precedes it?
    e = ps
    while e > ls and text[e - 1].isspace():
        e -= 1
    b = e
    while b > ls and not text[b - 1].isspace() and e - b < 60:
        b -= 1
    token = text[b:e].lstrip(_OPENERS + "/")
    if "–" in token or "/" in token or "-" in token:
        token = regex.split(r"[–—/\-]", token)[-1]  # "Mo.–Fr." -> "Fr"
    if not token:
        return True
    tl = token.lower()
    if token in HARD_ABBREVIATIONS_CS or tl in HARD_ABBREVIATIONS:
        return False
    if tl in NUMBER_ABBREVIATIONS and _RE_NUMBER_AHEAD.match(text, k, le):
        return False
    if _RE_DOTTED.fullmatch(token):
        return False
    if len(token) == 1 and token.isalpha():
        return False
    if tl in SOFT_ABBREVIATIONS:
        # a capitalised word follows ("Dropbox, Inc. Our ..."); not in all-caps text
        # ("GROUP INC. EXPRESSLY DISCLAIMS") and not before a bracket ("Inc. (\"Acme\")")
        return nxt.isupper() and j + 1 < le and text[j + 1].islower()
    if ps - ls <= 40 and _RE_LABEL_PREFIX.fullmatch(text, ls, ps):
        return False  # "10. Haftung", "§ 5. ...", "II. ..."
    if _RE_NUMBER.fullmatch(token):
        if text[b : b + 1] in "([":
            return False  # "(1. Farbe wählen)"
        q = b
        while q > ls and text[q - 1].isspace():
            q -= 1
        c0 = cut
        while c0 < b and text[c0].isspace():
            c0 += 1
        if c0 == b or (q > ls and text[q - 1] in ":;"):
            return False  # an enumerator: "Schritten: 1. Sie suchen", "... wählen. 2. Sie zahlen"
        if first.isdigit():
            return False  # "am 3. 5. 2024"
        w = _first_word(text[j:le].lstrip(_OPENERS))
        if w in MONTHS:
            return False
        if de and len(token) <= 2:
            wm = _RE_WORD_BEFORE.search(text[max(ls, ps - 40) : ps])
            if wm and wm.group(1).lower() in ORDINAL_CONTEXT:
                return False
        return True
    return True
