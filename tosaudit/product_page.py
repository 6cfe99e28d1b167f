"""Read a product or plan page and propose a product profile (``tosaudit features PAGE``).

The page (HTML, PDF, text, URL; a "Leistungsbeschreibung" or a pricing table) is split into
sentences - one line of a table or a bullet list counts as one sentence - and every sentence
is held against the ``cues`` of each feature in ``rules/features.yaml``::

    cues:
      exclude: [regex, ...]     # paid extras, other plans: the sentence sets nothing
      context: [regex, ...]     # the sentence must also mention one of these
      collect: true             # str features: gather every value found ("phone, email")
      set:                      # tried in order; the first that matches sets the value
        - {re: '...', value: true}
        - {re: 'Preisgarantie {NUM} (?P<unit>Monate|Jahre)', value: number}

``{NUM}`` stands for a number as people write it ("99,9", "12", "zwölf", "one"); with
``value: number`` the named group ``n`` is read with :func:`tosaudit.match.parse_number` and the
group ``unit`` converts it to the feature's unit (TB -> GB, Jahre -> months, Wochen -> days;
:func:`tosaudit.units.convert`, nominal values).
A cue whose value is ``false`` is not subject to ``exclude`` ("Backup nicht enthalten" says
no backup). The first sentence that sets a feature wins; each value keeps its sentence as
``source`` so the user can check it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import regex

from tosaudit.features import coerce
from tosaudit.match import parse_number
from tosaudit.models import Document, FeatureDef, FeatureValue, Profile
from tosaudit.units import convert

NUM = (r"(?P<n>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?|ein(?:en|em|er|e)?|eins|zwei|drei|vier|fünf|sechs|"
       r"zwölf|achtzehn|vierundzwanzig|sechsunddreißig|one|two|three|four|five|six|twelve|eighteen|"
       r"twenty-four|thirty-six|an?)")

_PROVIDER = regex.compile(r"\b((?:[A-ZÄÖÜ][\w&.-]*[ \t]+){0,3}[A-ZÄÖÜ][\w&.-]*[ \t]+(?:GmbH & Co\. KG|GmbH|AG|UG|SE|KG|"
                          r"Ltd\.?|Inc\.?|LLC|Limited))")
_WS = regex.compile(r"\s+")


@dataclass
class _Cue:
    pattern: Any
    value: Any


@dataclass
class _FeatureCues:
    fd: FeatureDef
    cues: list[_Cue]
    exclude: list[Any] = field(default_factory=list)
    context: list[Any] = field(default_factory=list)
    collect: bool = False


def _compile(p: str) -> Any:
    return regex.compile(p.replace("{NUM}", NUM), regex.IGNORECASE | regex.V0)


_CACHE: dict[int, tuple[Mapping[str, FeatureDef], list[_FeatureCues]]] = {}


def compile_cues(vocab: Mapping[str, FeatureDef]) -> list[_FeatureCues]:
    """The cues of every feature, compiled (cached per vocabulary object)."""
    key = id(vocab)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is vocab:
        return hit[1]
    if len(_CACHE) > 16:
        _CACHE.clear()
    out = []
    for fd in vocab.values():
        c = fd.cues or {}
        sets = c.get("set") or []
        if not sets:
            continue
        out.append(_FeatureCues(
            fd=fd,
            cues=[_Cue(_compile(s["re"]), s.get("value")) for s in sets],
            exclude=[_compile(x) for x in c.get("exclude") or []],
            context=[_compile(x) for x in c.get("context") or []],
            collect=bool(c.get("collect")),
        ))
    _CACHE[key] = (vocab, out)
    return out


def _convert(n: float, unit_word: str | None, fd: FeatureDef) -> float | None:
    """The number in the feature's unit (nominal: a month is 30 days, 1 TB 1000 GB); unchanged
    when the page gives no unit, the feature has none, or the word is not a unit of its kind."""
    if not unit_word or not fd.unit:
        return n
    a = convert(n, unit_word, fd.unit)
    if a is None:
        return n
    return round(a.value) if fd.type == "int" else a.value


def _value_of(cue: _Cue, m: Any, fd: FeatureDef) -> Any:
    if cue.value != "number":
        return cue.value
    raw = m.groupdict().get("n")
    if raw is None:
        return None
    n = parse_number(raw)
    if n is None:
        return None
    return _convert(n, m.groupdict().get("unit"), fd)


def units_of(doc: Document, *, pairs: bool = True) -> list[str]:
    """The sentences of a page: each line, split at sentence ends.

    With ``pairs``, two neighbouring short lines are also tried together, after all single
    sentences: a table row "Verfügbarkeit | 99,9 %" comes out of HTML as two lines.
    """
    from tosaudit.segment import split_sentences

    out: list[str] = []
    text = doc.text
    for s in split_sentences(text, 0, len(text), lang=doc.lang):
        t = _WS.sub(" ", text[s.start:s.end]).strip()
        if t:
            out.append(t)
    if pairs:
        lines = [_WS.sub(" ", ln).strip() for ln in text.splitlines()]
        lines = [ln for ln in lines if ln]
        for a, b in zip(lines, lines[1:]):
            if len(a) <= 60 and len(b) <= 60:
                out.append(f"{a}: {b}")
    return out


def table_sentences(html_text: str, plan: str | None = None) -> tuple[list[str], set[str]]:
    """Rows of the page's tables as "label: value" sentences.

    A pricing table with one column per plan needs ``plan`` (matched against the header cells,
    case-insensitively); without it such a table is left out. Returns (sentences, the cell texts
    of multi-plan tables: read alone they would mix up the plans).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_text, "html.parser")
    out: list[str] = []
    multi: set[str] = set()
    for table in soup.find_all("table"):
        rows = []
        for tr in table.find_all("tr"):
            cells = [_WS.sub(" ", c.get_text(" ")).strip() for c in tr.find_all(["th", "td"])]
            if any(cells):
                rows.append(cells)
        if not rows:
            continue
        width = max(len(r) for r in rows)
        if width <= 2:
            out.extend(": ".join(c for c in r if c) for r in rows)
            continue
        multi.update(c for r in rows for c in r if c)
        if not plan:
            continue
        header = rows[0]
        col = next((i for i, h in enumerate(header) if i and h and plan.lower() in h.lower()), None)
        if col is None:
            continue
        for r in rows[1:]:
            if len(r) > col and r[0] and r[col]:
                out.append(f"{r[0]}: {r[col]}")
    return out, multi


def extract_from_sentences(sentences: list[str], vocab: Mapping[str, FeatureDef]) -> dict[str, FeatureValue]:
    """Features found in ``sentences`` (first sentence wins; ``collect`` features gather all)."""
    found: dict[str, FeatureValue] = {}
    collected: dict[str, list[tuple[str, str]]] = {}
    for fc in compile_cues(vocab):
        key = fc.fd.key
        for sent in sentences:
            if key in found and not fc.collect:
                break
            if fc.context and not any(c.search(sent) for c in fc.context):
                continue
            excluded = any(x.search(sent) for x in fc.exclude)
            for cue in fc.cues:
                if excluded and cue.value is not False:
                    continue
                m = cue.pattern.search(sent)
                if not m:
                    continue
                val = _value_of(cue, m, fc.fd)
                if val is None:
                    continue
                try:
                    val = coerce(fc.fd, val)
                except ValueError:
                    continue
                if val is None:
                    continue
                if fc.collect:
                    collected.setdefault(key, [])
                    if all(v != str(val) for v, _ in collected[key]):
                        collected[key].append((str(val), sent))
                    continue
                found[key] = FeatureValue(key=key, value=val, origin="product-page", source=sent)
                break
    for key, vals in collected.items():
        srcs = list(dict.fromkeys(s for _, s in vals))
        found[key] = FeatureValue(key=key, value=", ".join(v for v, _ in vals), origin="product-page",
                                  source=" / ".join(srcs))
    return found


def extract_profile(doc: Document, vocab: Mapping[str, FeatureDef], *, plan: str | None = None,
                    html_text: str | None = None) -> Profile:
    """Propose a profile from a product page; every value names the sentence it came from.

    For an HTML page its tables are read row by row ("Verfügbarkeit: 99,9 %"); a pricing table
    with one column per plan is read for ``plan`` only (e.g. "Plus").
    """
    if doc.lang is None:
        try:
            from tosaudit.lang import detect_language

            doc = doc.model_copy(update={"lang": detect_language(doc.text)[0]})
        except Exception:  # pragma: no cover - detection is a nicety here
            pass
    rows: list[str] = []
    multi: set[str] = set()
    if html_text:
        try:
            rows, multi = table_sentences(html_text, plan)
        except Exception:  # pragma: no cover - a page bs4 cannot parse still has its text
            rows, multi = [], set()
    # table rows first (they carry label and value together); the loose cells of a multi-plan
    # table and line pairs are left out when such a table could mix up the columns
    sentences = rows + [u for u in units_of(doc, pairs=not multi) if u not in multi]
    feats = extract_from_sentences(sentences, vocab)
    ordered = {k: feats[k] for k in vocab if k in feats}
    plan_name = None
    for s in units_of(doc, pairs=False)[:3]:
        if 2 < len(s) <= 80:
            plan_name = s
            break
    if plan and (not plan_name or plan.lower() not in plan_name.lower()):
        plan_name = f"{plan_name} – {plan}" if plan_name else plan
    provider = None
    m = _PROVIDER.search(doc.text)
    if m:
        provider = _WS.sub(" ", m.group(1)).strip()
    return Profile(provider=provider, plan=plan_name, url=doc.source.url, features=ordered)


def profile_from_source(page: str | Path, vocab: Mapping[str, FeatureDef] | None = None, *,
                        plan: str | None = None) -> Profile:
    """Load a product page (file, URL, '-') and propose a profile; reads HTML tables of local files."""
    from tosaudit.api import is_url, load_source

    if vocab is None:
        from tosaudit.catalogue import load_catalogue

        vocab = load_catalogue().features
    doc = load_source(page)
    html_text = None
    if doc.source.kind == "html" and not is_url(str(page)) and str(page) != "-":
        try:
            html_text = Path(page).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            html_text = None
    return extract_profile(doc, vocab, plan=plan, html_text=html_text)


def extract_text(text: str, vocab: Mapping[str, FeatureDef] | None = None) -> Profile:
    """Convenience for tests and the API: a profile from pasted page text."""
    from tosaudit.catalogue import load_catalogue
    from tosaudit.ingest import load_text

    vocab = vocab if vocab is not None else load_catalogue().features
    return extract_profile(load_text(text, name="product page"), vocab)


# ---------------------------------------------------------------------------- output


def _yaml_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)


def profile_yaml(profile: Profile, vocab: Mapping[str, FeatureDef], page: str | None = None,
                 sectors: Sequence[str] = ()) -> str:
    """An editable profile: each found value with its sentence as a comment, the rest as unknown.

    The sector is never read from the page (a keyword such as "Glasfaser" or "SIM" on a hosting
    page would drop the hosting rules); the file asks the user to state it, listing ``sectors``."""
    lines = [
        f"# Product profile proposed by `tosaudit features` from {page or 'a product page'}.",
        "# Check each value against the page, correct what is wrong, fill in what is unknown,",
        "# then use it with: tosaudit check AGB --profile THIS-FILE",
    ]
    lines.append(f"provider: {_yaml_scalar(profile.provider) if profile.provider else 'null'}")
    lines.append(f"plan: {_yaml_scalar(profile.plan) if profile.plan else 'null'}")
    if profile.url:
        lines.append(f"url: {_yaml_scalar(profile.url)}")
    lines.append("# what kind of product this is (not read from the page); rules written only for other")
    lines.append("# sectors are then left out of the audit:")
    lines.append(f"# sector: unknown  [{', '.join(sectors) or 'see rules/sectors.yaml'}]")
    lines.append("features:")
    for key, fd in vocab.items():
        fv = profile.features.get(key)
        if fv is not None and fv.value is not None:
            src = (fv.source or "").replace("\n", " ")
            if len(src) > 160:
                src = src[:157] + "..."
            lines.append(f"  # {src}")
            lines.append(f"  {key}: {_yaml_scalar(fv.value)}")
    missing = [k for k in vocab if k not in profile.features]
    if missing:
        lines.append("  # not found on the page (unknown until you fill them in):")
        for key in missing:
            fd = vocab[key]
            hint = f"  [{', '.join(fd.values)}]" if fd.values else (f"  [{fd.type}, {fd.unit}]" if fd.unit else f"  [{fd.type}]")
            lines.append(f"  # {key}: unknown{hint}")
    return "\n".join(lines) + "\n"


def profile_json(profile: Profile, *, sources: bool = False) -> str:
    """The profile as JSON: loadable with --profile; with ``sources`` the full model (value, origin
    and source sentence per feature), which is not a profile file but evidence for other tools."""
    if sources:
        data = profile.model_dump(mode="json")
    else:
        data = {"provider": profile.provider, "plan": profile.plan, "url": profile.url,
                "features": {k: fv.value for k, fv in profile.features.items() if fv.value is not None}}
    return json.dumps(data, indent=2, ensure_ascii=False)


def _has_plan_table(page: str) -> bool:
    p = Path(page)
    if not p.is_file() or p.suffix.lower() not in (".html", ".htm", ".xhtml"):
        return False
    try:
        return bool(table_sentences(p.read_text(encoding="utf-8", errors="replace"))[1])
    except Exception:  # pragma: no cover
        return False


def cmd_features(args: argparse.Namespace) -> int:
    from tosaudit.catalogue import load_catalogue

    cat = load_catalogue(args.rules)
    profile = profile_from_source(args.page, cat.features, plan=args.plan)
    if not args.plan and _has_plan_table(args.page):
        print(f"{args.page}: the page has a pricing table with several plans; its columns were left out. "
              "Use --plan NAME to read one plan's column.", file=sys.stderr)
    text = profile_json(profile, sources=args.with_sources) + "\n" if args.format == "json" else profile_yaml(profile, cat.features, args.page, list(cat.sectors))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{args.page}: {len(profile.features)} features -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_cli(sub) -> None:
    p = sub.add_parser("features", help="propose a product profile from a product or plan page",
                       description="Read a product page (HTML, PDF, text or an http(s) URL) and print a product "
                                   "profile in the vocabulary of rules/features.yaml, each value with the "
                                   "sentence it came from. Edit it and pass it to `tosaudit check --profile`.")
    p.add_argument("page", metavar="PAGE")
    p.add_argument("--plan", metavar="NAME", help="in a pricing table with one column per plan, read this plan's column")
    p.add_argument("--format", "-f", choices=("yaml", "json"), default="yaml")
    p.add_argument("--output", "-o", metavar="F", help="write the profile to this file")
    p.add_argument("--with-sources", action="store_true",
                   help="JSON only: every feature with its origin and source sentence (not loadable as --profile)")
    p.add_argument("--rules", metavar="DIR", help="rule catalogue folder (default: the bundled one)")
    p.set_defaults(func=cmd_features)
