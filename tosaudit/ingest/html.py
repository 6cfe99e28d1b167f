"""HTML -> text: the main content only, one block per line.

Dropped: script, style, template, svg, iframe, forms and their controls, nav,
aside, dialogs, hidden elements, cookie / consent banners (by id, class or role),
and header / footer elements that are not inside the main content.
The main content is ``<main>`` or ``role="main"`` if present, else the largest
``<article>``, else ``<body>``.  Headings, paragraphs, list items, table cells
and other blocks each start a new line; ``<br>`` breaks a line.  Items of an
ordered list get their number back ("1.", "a)", "(iv)"), as a browser shows it.
"""

from __future__ import annotations

import re

from tosaudit.ingest.normalize import Line, assemble, clean_line
from tosaudit.models import Problem

_DROP = {
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "form", "button", "input", "select", "textarea", "label", "option", "nav", "aside",
    "dialog", "menu", "head", "title", "meta", "link", "picture", "video", "audio", "map",
}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td",
    "th", "caption", "blockquote", "pre", "address", "figure", "figcaption", "hr", "details",
    "summary", "fieldset", "legend", "body", "html", "center", "hgroup",
}
#: ids / classes of cookie banners: always dropped
_BANNER = re.compile(
    r"cookie|onetrust|usercentrics|borlabs|didomi|cookiebot|truste|cc-window|cmp-|\bcmp\b|klaro|"
    r"tarteaucitron|iubenda|osano|complianz|sp_message|qc-cmp",
    re.IGNORECASE,
)
#: weaker hints ("consent", "gdpr"): dropped only outside <main>/<article>, and never a heading
_BANNER_WEAK = re.compile(r"consent|gdpr|dsgvo-banner|privacy-banner|notice-bar", re.IGNORECASE)
_ROLES_DROP = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search", "menu"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _extractor() -> str:
    try:
        import bs4

        return f"beautifulsoup4 {bs4.__version__} (lxml)"
    except Exception:  # pragma: no cover
        return "beautifulsoup4"


def _to_letter(n: int, upper: bool) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s.upper() if upper else s


def _to_roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def list_label(n: int, typ: str) -> str:
    if typ == "a":
        return _to_letter(n, False) + ")"
    if typ == "A":
        return _to_letter(n, True) + ")"
    if typ == "i":
        return "(" + _to_roman(n) + ")"
    if typ == "I":
        return _to_roman(n).upper() + "."
    return f"{n}."


def _is_hidden(el) -> bool:
    """Hidden by attribute or inline style, unless it holds real text (a collapsed accordion
    panel of the terms is still part of the contract)."""
    attrs = el.attrs or {}
    style = attrs.get("style")
    hidden = "hidden" in attrs or attrs.get("aria-hidden") == "true" or bool(style and _HIDDEN_STYLE.search(style))
    if not hidden:
        return False
    return len(el.get_text(" ", strip=True)) < 300


def _is_banner(el, in_main: bool) -> bool:
    attrs = el.attrs or {}
    if attrs.get("role") in _ROLES_DROP and not (in_main and attrs.get("role") == "complementary"):
        return True
    ident = " ".join([attrs.get("id") or ""] + list(attrs.get("class") or []) + [attrs.get("aria-label") or ""])
    if not ident.strip():
        return False
    if _BANNER.search(ident):
        return True
    return (not in_main and el.name not in ("h1", "h2", "h3", "h4", "h5", "h6")
            and bool(_BANNER_WEAK.search(ident)) and len(el.get_text(" ", strip=True)) < 2000)


def _root(soup):
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None and len(main.get_text(" ", strip=True)) > 200:
        return main
    articles = soup.find_all("article")
    if articles:
        best = max(articles, key=lambda a: len(a.get_text(" ", strip=True)))
        if len(best.get_text(" ", strip=True)) > 200:
            return best
    if main is not None:
        return main
    return soup.body or soup


def html_lines(soup) -> list[Line]:
    from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    root = _root(soup)
    root_is_main = root.name in ("main", "article") or (root.attrs or {}).get("role") == "main"
    lines: list[Line] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = clean_line(" ".join("".join(buf).split()))
            buf.clear()
            if text:
                lines.append(Line(text, True))

    # iterative walk over (node, inside <pre>); a None item marks the end of a block
    stack: list = [(root, False)]
    while stack:
        item = stack.pop()
        if item is None:
            flush()
            continue
        node, pre = item
        if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(node, NavigableString):
            s = str(node)
            if pre:
                parts = s.split("\n")
                for i, part in enumerate(parts):
                    if i:
                        flush()
                    buf.append(part)
            else:
                buf.append(s)
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in _DROP or _is_hidden(node) or _is_banner(node, root_is_main):
            continue
        if name in ("header", "footer") and node is not root and not _inside_main(node, root):
            continue
        if name == "br":
            flush()
            continue
        if name == "img":
            continue
        block = name in _BLOCK
        if block:
            flush()
            stack.append(None)
        if name == "li":
            label = node.attrs.get("data-tosaudit-label")
            if label:
                buf.append(label + " ")
        if name == "ol":
            _label_items(node)
        children = list(node.children)
        in_pre = pre or name in ("pre", "textarea")
        for child in reversed(children):
            stack.append((child, in_pre))
    flush()
    return lines


def _inside_main(node, root) -> bool:
    for parent in node.parents:
        if parent is root:
            return root.name in ("main", "article") or (root.attrs or {}).get("role") == "main"
        if parent.name in ("main", "article") or (parent.attrs or {}).get("role") == "main":
            return True
    return False


def _label_items(ol) -> None:
    typ = (ol.attrs.get("type") or "1").strip()
    try:
        n = int(ol.attrs.get("start", 1))
    except (TypeError, ValueError):
        n = 1
    reverse = "reversed" in ol.attrs
    items = [c for c in ol.find_all("li", recursive=False)]
    if reverse and "start" not in ol.attrs:
        n = len(items)
    for li in items:
        try:
            n = int(li.attrs["value"]) if "value" in li.attrs else n
        except (TypeError, ValueError):
            pass
        text = li.get_text(" ", strip=True)
        label = list_label(n, typ)
        # do not add a number the author already wrote
        if not text.startswith(label.rstrip(".)")):
            li.attrs["data-tosaudit-label"] = label
        n = n - 1 if reverse else n + 1


def read_html(data: bytes | str, name: str, *, encoding: str | None = None) -> tuple[str, list[Problem], str]:
    from bs4 import BeautifulSoup

    problems: list[Problem] = []
    try:
        soup = BeautifulSoup(data, "lxml", from_encoding=encoding) if isinstance(data, bytes) \
            else BeautifulSoup(data, "lxml")
    except Exception:
        soup = BeautifulSoup(data, "html.parser")
    lines = html_lines(soup)
    text, _ = assemble(lines)
    return text, problems, _extractor()
