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
group ``unit`` converts it to the feature's unit (TB -> GB, Jahre -> months, Wochen -> days).
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
from typing import Any, Mapping

import regex

from tosaudit.features import coerce
from tosaudit.match import parse_number
from tosaudit.models import Document, FeatureDef, FeatureValue, Profile

NUM = (r"(?P<n>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?|ein(?:en|em|er|e)?|eins|zwei|drei|vier|fünf|sechs|"
       r"zwölf|achtzehn|vierundzwanzig|sechsunddreißig|one|two|three|four|five|six|twelve|eighteen|"
       r"twenty-four|thirty-six|an?)")

#: unit words -> (unit family, factor to the base unit of the family)
_UNITS: list[tuple[str, str, float]] = [
    (r"^tb", "GB", 1000.0), (r"^gb", "GB", 1.0), (r"^mb", "GB", 0.001),
    (r"^(jahr|year)", "time", 365.0), (r"^(monat|month|mon\.)", "time", 30.0),
    (r"^(woche|week)", "time", 7.0), (r"^(tag|day)", "time", 1.0),
]
_TIME_BASE = {"days": 1.0, "months": 30.0, "years": 365.0}
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


_CACHE: dict[int, list[_FeatureCues]] = {}


def compile_cues(vocab: Mapping[str, FeatureDef]) -> list[_FeatureCues]:
    """The cues of every feature, compiled (cached per vocabulary object)."""
    key = id(vocab)
    hit = _CACHE.get(key)
    if hit is not None and len(hit) == sum(1 for f in vocab.values() if f.cues.get("set")):
        return hit
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
    _CACHE[key] = out
    return out


def _convert(n: float, unit_word: str | None, fd: FeatureDef) -> float | None:
    if not unit_word or not fd.unit:
        return n
    u = unit_word.strip().lower()
    for pat, family, factor in _UNITS:
        if regex.match(pat, u):
            if family == "GB":
                return n * factor if fd.unit == "GB" else n
            base = _TIME_BASE.get(fd.unit)
            if base is None:
                return n
            v = n * factor / base
            return round(v) if fd.type == "int" else v
    return n


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


def units_of(doc: Document) -> list[str]:
    """The sentences of a page: each line, split at sentence ends; table cells joined by ' | '."""
    from tosaudit.segment import split_sentences

    out: list[str] = []
    text = doc.text
    for s in split_sentences(text, 0, len(text), lang=doc.lang):
        t = regex.sub(r"\s+", " ", text[s.start:s.end]).strip()
        if t:
            out.append(t)
    return out


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


def extract_profile(doc: Document, vocab: Mapping[str, FeatureDef]) -> Profile:
    """Propose a profile from a product page; every value names the sentence it came from."""
    if doc.lang is None:
        try:
            from tosaudit.lang import detect_language

            doc = doc.model_copy(update={"lang": detect_language(doc.text)[0]})
        except Exception:  # pragma: no cover - detection is a nicety here
            pass
    sentences = units_of(doc)
    feats = extract_from_sentences(sentences, vocab)
    ordered = {k: feats[k] for k in vocab if k in feats}
    plan = None
    for s in sentences[:3]:
        if 2 < len(s) <= 80:
            plan = s
            break
    provider = None
    m = _PROVIDER.search(doc.text)
    if m:
        provider = _WS.sub(" ", m.group(1)).strip()
    return Profile(provider=provider, plan=plan, url=doc.source.url, features=ordered)


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


def profile_yaml(profile: Profile, vocab: Mapping[str, FeatureDef], page: str | None = None) -> str:
    """An editable profile: each found value with its sentence as a comment, the rest as unknown."""
    lines = [
        f"# Product profile proposed by `tosaudit features` from {page or 'a product page'}.",
        "# Check each value against the page, correct what is wrong, fill in what is unknown,",
        "# then use it with: tosaudit check AGB --profile THIS-FILE",
    ]
    lines.append(f"provider: {_yaml_scalar(profile.provider) if profile.provider else 'null'}")
    lines.append(f"plan: {_yaml_scalar(profile.plan) if profile.plan else 'null'}")
    if profile.url:
        lines.append(f"url: {_yaml_scalar(profile.url)}")
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


def profile_json(profile: Profile) -> str:
    return json.dumps(profile.model_dump(mode="json"), indent=2, ensure_ascii=False)


def cmd_features(args: argparse.Namespace) -> int:
    from tosaudit.api import load_source
    from tosaudit.catalogue import load_catalogue

    cat = load_catalogue(args.rules)
    doc = load_source(args.page)
    profile = extract_profile(doc, cat.features)
    text = profile_json(profile) + "\n" if args.format == "json" else profile_yaml(profile, cat.features, args.page)
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
    p.add_argument("--format", "-f", choices=("yaml", "json"), default="yaml")
    p.add_argument("--output", "-o", metavar="F", help="write the profile to this file")
    p.add_argument("--rules", metavar="DIR", help="rule catalogue folder (default: the bundled one)")
    p.set_defaults(func=cmd_features)
