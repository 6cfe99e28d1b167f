"""Product profiles in the feature vocabulary, and three-valued feature conditions.

A profile says what a plan really offers. Keys come from ``rules/features.yaml``; a typo is
a validation error with a suggestion, not a silent miss. A key the profile does not state is
*unknown*: a rule that needs it reports an open question instead of a contradiction.

Profile files (YAML or JSON)::

    provider: Beispiel Hosting GmbH
    plan: Baukasten Start
    sector: hosting                 # rules/sectors.yaml; left out = every rule runs
    features:
      backup.included: false        # dotted keys ...
      export:                       # ... or nested mappings
        available: false
      sla.uptime_pct: 99.9          # "99,9 %" is accepted too
      support.hours: unknown        # explicit unknown
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, Collection, Mapping

import yaml

from tosaudit.catalogue.schema import Capture, FeatureCond, unknown_sector
from tosaudit.errors import ProfileError
from tosaudit.match import parse_number
from tosaudit.models import FeatureDef, FeatureEvidence, FeatureScalar, FeatureValue, Profile
from tosaudit.units import Amount, convert, target_name, unit_name

UNKNOWN_WORDS = {"unknown", "unbekannt", "?", "n/a", ""}
#: the key a profile's sector had when it was a feature; still read as ``sector``
LEGACY_SECTOR_KEY = "plan.sector"
#: sector words that mean "not stated: every rule runs"
ALL_SECTOR_WORDS = UNKNOWN_WORDS | {"all", "alle"}
TRUE_WORDS = {"true", "yes", "ja", "y", "1", "on", "included", "inklusive"}
FALSE_WORDS = {"false", "no", "nein", "n", "0", "off", "none", "keine", "kein"}


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(_flatten(v, key))
        else:
            out[key] = v
    return out


def coerce(fd: FeatureDef, raw: Any) -> FeatureScalar | None:
    """Convert a raw profile/form value to the feature's type; None = unknown.

    Raises ValueError with a message for the user when the value does not fit.
    """
    if raw is None:
        return None
    if isinstance(raw, str) and raw.strip().lower() in UNKNOWN_WORDS:
        return None
    if fd.type == "bool":
        if isinstance(raw, bool):
            return raw
        s = str(raw).strip().lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
        raise ValueError(f"expected yes/no (true/false), got {raw!r}")
    if fd.type in ("int", "float"):
        if isinstance(raw, bool):
            raise ValueError(f"expected a number, got {raw!r}")
        if isinstance(raw, (int, float)):
            num = float(raw)
        else:
            s = str(raw).strip().rstrip("%").replace("GB", "").strip()
            num_p = parse_number(s)
            if num_p is None:
                raise ValueError(f"expected a number, got {raw!r}")
            num = num_p
        if fd.type == "int":
            if num != int(num):
                raise ValueError(f"expected a whole number, got {raw!r}")
            return int(num)
        return num
    if fd.type == "enum":
        s = str(raw).strip()
        allowed = fd.values or []
        for v in allowed:
            if v.lower() == s.lower():
                return v
        raise ValueError(f"expected one of {', '.join(allowed)}, got {raw!r}")
    return str(raw)


def parse_sector(raw: Any, sectors: Collection[str] | None) -> str | None:
    """A profile's ``sector`` value: a sector id, or None for not stated ("unknown", "all", empty).

    With ``sectors`` (the ids of rules/sectors.yaml) an id not in it raises ValueError naming the
    valid ids; without, only the form of the id is checked (the audit checks it again)."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError(f"expected a sector id, got {raw!r}")
    s = raw.strip().lower()
    if s in ALL_SECTOR_WORDS:
        return None
    if sectors is not None and s not in sectors:
        raise ValueError(unknown_sector(raw, list(sectors)))
    if not s.replace("-", "").isalnum():
        raise ValueError(f"unknown sector {raw!r}; a sector id is one word such as hosting or telecom")
    return s


def build_profile(
    data: Mapping[str, Any],
    vocab: Mapping[str, FeatureDef],
    *,
    origin: str = "profile",
    source: str | None = None,
    sectors: Collection[str] | None = None,
) -> Profile:
    """Validate a profile mapping against the vocabulary (raises ProfileError naming each key).

    ``sectors``: the valid sector ids (``Catalogue.sectors``) to check ``sector:`` against."""
    if not isinstance(data, Mapping):
        raise ProfileError(f"{source or 'profile'}: expected a mapping with a `features:` section")
    extra = set(data) - {"provider", "plan", "url", "sector", "features"}
    errors: list[str] = []
    if extra:
        errors.append(f"unknown top-level key(s) {', '.join(sorted(map(str, extra)))} "
                      "(allowed: provider, plan, url, sector, features)")
    raw_feats = data.get("features") or {}
    if not isinstance(raw_feats, Mapping):
        errors.append("`features` must be a mapping of feature keys to values")
        raw_feats = {}
    flat = _flatten(raw_feats)
    raw_sector = data.get("sector")
    if LEGACY_SECTOR_KEY in flat and LEGACY_SECTOR_KEY not in vocab:
        # the sector was once the feature plan.sector: read it as `sector`
        old = flat.pop(LEGACY_SECTOR_KEY)
        if raw_sector is None:
            raw_sector = old
        elif str(old).strip().lower() != str(raw_sector).strip().lower():
            errors.append(f"sector {raw_sector!r} and features.{LEGACY_SECTOR_KEY} {old!r} differ "
                          f"({LEGACY_SECTOR_KEY} is the old spelling of `sector`; keep only `sector:`)")
    sector: str | None = None
    try:
        sector = parse_sector(raw_sector, sectors)
    except ValueError as exc:
        errors.append(str(exc))
    feats: dict[str, FeatureValue] = {}
    for key, raw in flat.items():
        fd = vocab.get(key)
        if fd is None:
            hint = difflib.get_close_matches(key, list(vocab), n=1)
            errors.append(f"unknown feature {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else
                                                         " (see docs/FEATURES.md for the vocabulary)"))
            continue
        try:
            value = coerce(fd, raw)
        except ValueError as exc:
            errors.append(f"feature {key!r}: {exc}")
            continue
        feats[key] = FeatureValue(key=key, value=value, origin=origin if value is not None else "unknown",  # type: ignore[arg-type]
                                  source=source)
    if errors:
        where = source or "profile"
        raise ProfileError(f"{where}: " + "; ".join(errors))
    return Profile(
        provider=_opt_str(data.get("provider")),
        plan=_opt_str(data.get("plan")),
        url=_opt_str(data.get("url")),
        sector=sector,
        features=feats,
    )


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def load_profile(path: str | Path, vocab: Mapping[str, FeatureDef], sectors: Collection[str] | None = None) -> Profile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{p}: profile file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{p}: cannot read the profile ({exc})") from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ProfileError(f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'} ({first})") from None
    if data is None:
        raise ProfileError(f"{p}: the profile is empty; it needs a `features:` mapping")
    return build_profile(data, vocab, origin="profile", source=str(p), sectors=sectors)


def merge_profiles(base: Profile | None, override: Profile | None) -> Profile | None:
    """``override`` wins key by key (an explicit profile over features found on a product page)."""
    if base is None:
        return override
    if override is None:
        return base
    feats = dict(base.features)
    for k, v in override.features.items():
        if v.value is not None or k not in feats:
            feats[k] = v
    return Profile(
        provider=override.provider or base.provider,
        plan=override.plan or base.plan,
        url=override.url or base.url,
        sector=override.sector or base.sector,
        features=feats,
    )


# ---------------------------------------------------------------------------- conditions


def _number(c: Any) -> float | None:
    return float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else None


def capture_amount(ref: Capture, captures: Mapping[str, Any]) -> Amount | None:
    """The captured value of ``ref`` as an amount (converted to ``ref.as_`` when it has a unit);
    None when the number or the unit word is missing or cannot be read."""
    n = captures.get(ref.capture)
    if ref.unit is None:
        v = _number(n)
        return Amount(v, v, v, "") if v is not None else None
    unit_word = captures.get(ref.unit)
    if n is None or not isinstance(unit_word, str):
        return None
    return convert(n, unit_word, ref.as_ or "")


def _operand(v: float | Capture | None, captures: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lowest, highest) value of the operand: a number is exact, a converted period a range."""
    if isinstance(v, Capture):
        a = capture_amount(v, captures)
        return (a.low, a.high) if a is not None else None
    return (v, v) if v is not None else None


def evaluate(cond: FeatureCond, profile: Profile | None, captures: Mapping[str, Any]) -> bool | None:
    """True / False / None (unknown: a feature or a captured number the test needs is missing)."""
    if cond.any is not None:
        vals = [evaluate(c, profile, captures) for c in cond.any]
        if any(v is True for v in vals):
            return True
        return None if any(v is None for v in vals) else False
    if cond.all is not None:
        vals = [evaluate(c, profile, captures) for c in cond.all]
        if any(v is False for v in vals):
            return False
        return None if any(v is None for v in vals) else True
    value = profile.value(cond.feature) if profile else None  # type: ignore[arg-type]
    if value is None:
        return None
    if cond.equals is not None:
        return value == cond.equals
    if cond.not_equals is not None:
        return value != cond.not_equals
    if cond.in_ is not None:
        return value in cond.in_
    for op in ("greater_than", "less_than", "at_least", "at_most"):
        raw = getattr(cond, op)
        if raw is None:
            continue
        other = _operand(raw, captures)
        if other is None or isinstance(value, (bool, str)):
            return None
        v = float(value)
        lo, hi = other
        # a range (a month is 28 to 31 days) must satisfy the test at every point of it
        return {
            "greater_than": v > hi,
            "less_than": v < lo,
            "at_least": v >= hi,
            "at_most": v <= lo,
        }[op]
    raise AssertionError("unreachable")  # pragma: no cover


def describe(cond: FeatureCond, vocab: Mapping[str, FeatureDef], lang: str, captures: Mapping[str, Any]) -> str:
    """A feature test in words, e.g. "Backups made by the provider = no"."""
    if cond.any is not None or cond.all is not None:
        joiner = (" oder " if lang == "de" else " or ") if cond.any is not None else (" und " if lang == "de" else " and ")
        return joiner.join(describe(c, vocab, lang, captures) for c in (cond.any or cond.all or []))
    fd = vocab.get(cond.feature or "")
    label = fd.label.get(lang) if fd else str(cond.feature)
    for op, sym in (("equals", "="), ("not_equals", "≠"), ("in_", "∈"), ("greater_than", ">"),
                    ("less_than", "<"), ("at_least", "≥"), ("at_most", "≤")):
        raw = getattr(cond, op)
        if raw is None:
            continue
        if isinstance(raw, Capture):
            shown = _describe_capture(raw, captures, lang)
        elif isinstance(raw, list):
            shown = ", ".join(fmt_value(x, lang) for x in raw)
        else:
            shown = fmt_value(raw, lang)
        return f"{label} {sym} {shown}"
    return label


def _describe_capture(ref: Capture, captures: Mapping[str, Any], lang: str) -> str:
    """"6 Wochen (42 Tage)", "1 month (28–31 days)", "99,5"; "?" when nothing was captured."""
    val = captures.get(ref.capture, "?")
    if ref.unit is None:
        return fmt_value(val, lang)
    word = captures.get(ref.unit)
    name = unit_name(word, val, lang) if isinstance(word, str) else None
    shown = f"{fmt_value(val, lang)} {name or word or '?'}"
    a = capture_amount(ref, captures)
    if a is None:
        return shown
    target = target_name(a.unit, lang)
    if a.low == a.high:
        conv = f"{fmt_value(round(a.low, 2), lang)} {target}"
    else:
        conv = f"{fmt_value(round(a.low, 2), lang)}–{fmt_value(round(a.high, 2), lang)} {target}"
    return shown if name and conv == f"{fmt_value(val, lang)} {name}" else f"{shown} ({conv})"


def fmt_value(v: Any, lang: str) -> str:
    if v is None:
        return "unbekannt" if lang == "de" else "unknown"
    if isinstance(v, bool):
        return ("ja" if v else "nein") if lang == "de" else ("yes" if v else "no")
    if isinstance(v, float):
        s = f"{v:g}"
        return s.replace(".", ",") if lang == "de" else s
    return str(v)


def evidence(
    keys: list[str], profile: Profile | None, vocab: Mapping[str, FeatureDef], lang: str, condition: str | None = None
) -> list[FeatureEvidence]:
    out = []
    for k in dict.fromkeys(keys):
        fd = vocab.get(k)
        fv = profile.features.get(k) if profile else None
        out.append(
            FeatureEvidence(
                key=k,
                label=fd.label.get(lang) if fd else k,
                value=fv.value if fv else None,
                origin=fv.origin if fv and fv.value is not None else "unknown",
                source=fv.source if fv else None,
                condition=condition,
            )
        )
    return out
