"""Amounts with a unit as contracts and product pages write them: "drei Monate", "6 Wochen",
"10 Werktage", "1 TB", "100 Mbit/s" - converted to one unit so that they can be compared.

The one place that knows unit words. Used by

* the contradiction conditions of a rule (``{capture: n, unit: unit, as: days}`` in
  ``contradicts.when``, evaluated in :mod:`tosaudit.features`),
* the clause-against-clause conflicts (``differ: {capture: n, unit: unit, measure: duration}``,
  :mod:`tosaudit.conflicts`),
* the product-page reader (``(?P<unit>...)`` in a feature's cues, :mod:`tosaudit.product_page`).

Conventions. A converted amount has a *nominal* value and the *range* it can really take:

* A day, a calendar day, a week (7 days) and an hour (1/24 day) are exact.
* A month, a quarter (3 months) and a year (12 months) depend on the calendar: one month is
  28 to 31 days, three months 89 to 92, a year 365 or 366 (computed from the lengths of
  consecutive calendar months; leap days counted generously, centuries ignored). Nominally a
  month is 30 days and a whole year 365 (18 months: 545 days) - the convention of a plan's
  "one month = 30 days". Months and years convert into each other exactly (a year is 12
  months); days into months by the calendar (60 days are 1.9 to 2.1 months), nominally 30 to
  the month. The range always includes the nominal value (six months: 180 to 184 days), so a
  plan value converted by the same convention never contradicts the same words in a clause.
* A working day ("Werktag", "Arbeitstag", "business day") is between 1 and 7/5 calendar days
  plus 4 for the weekend and public holidays around it (n working days: n to 7n/5 + 4 days);
  nominally 7/5 days.
* Data volumes: MB, GB, TB are read as decimal (1 TB = 1000 GB) nominally, but providers also
  mean 1024, so their range covers both (1 TB = 1000 to 1024 GB); MiB, GiB, TiB are binary
  and exact. Bit rates (kbit/s, Mbit/s, Gbit/s) are decimal and exact.

A comparison with a converted amount holds only when it holds for every value in its range
(:func:`tosaudit.features.evaluate`): a notice period of "einem Monat" is not longer than a
promised 30 days, nor shorter than 28 - neither is reported as a contradiction; "sechs
Wochen" (42 days) is longer than 30 days, "vier Wochen" (28) is not. The nominal value is what
the clause-against-clause conflicts and the product-page reader use.

A unit word that is not known, a unit of another kind (GB where days are wanted) or a number
that cannot be read gives ``None``: no comparison, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

#: the units a capture can be converted to (``as:`` in a rule) and features can be stated in
TARGET_UNITS = ("hours", "days", "weeks", "months", "years", "MB", "GB", "TB", "Mbit/s")


@dataclass(frozen=True)
class UnitDef:
    key: str
    #: duration | data | rate
    dimension: str
    #: duration: "day" (counted in days) or "month" (counted in calendar months)
    base: str
    #: in the base: days per unit (day-based), months per unit (month-based), GB or Mbit/s
    factor: float
    #: data: the power of 1000 (MB 2, GB 3, TB 4) and whether the word is binary (GiB)
    power: int = 0
    binary: bool = False
    #: (singular, plural) per language, for the report
    de: tuple[str, str] = ("", "")
    en: tuple[str, str] = ("", "")


# Tried in order on the lower-cased unit word (white space collapsed, hyphens as spaces); the
# first pattern that matches at the start wins. Bit rates before bytes ("mbit" is not "mb").
_TABLE: tuple[tuple[str, UnitDef], ...] = (
    (r"(kbit|kbps|kilobit)", UnitDef("kbit/s", "rate", "Mbit/s", 0.001, de=("kbit/s",) * 2, en=("kbit/s",) * 2)),
    (r"(mbit|mbps|megabit)", UnitDef("Mbit/s", "rate", "Mbit/s", 1.0, de=("Mbit/s",) * 2, en=("Mbit/s",) * 2)),
    (r"(gbit|gbps|gigabit)", UnitDef("Gbit/s", "rate", "Mbit/s", 1000.0, de=("Gbit/s",) * 2, en=("Gbit/s",) * 2)),
    (r"(mib|mebibyte)", UnitDef("MiB", "data", "GB", 0, power=2, binary=True, de=("MiB",) * 2, en=("MiB",) * 2)),
    (r"(gib|gibibyte)", UnitDef("GiB", "data", "GB", 0, power=3, binary=True, de=("GiB",) * 2, en=("GiB",) * 2)),
    (r"(tib|tebibyte)", UnitDef("TiB", "data", "GB", 0, power=4, binary=True, de=("TiB",) * 2, en=("TiB",) * 2)),
    (r"(mb\b|mbyte|megabyte)", UnitDef("MB", "data", "GB", 0, power=2, de=("MB",) * 2, en=("MB",) * 2)),
    (r"(gb\b|gbyte|gigabyte)", UnitDef("GB", "data", "GB", 0, power=3, de=("GB",) * 2, en=("GB",) * 2)),
    (r"(tb\b|tbyte|terabyte)", UnitDef("TB", "data", "GB", 0, power=4, de=("TB",) * 2, en=("TB",) * 2)),
    (r"(werktag|working day|work day|workday)",
     UnitDef("working-day", "duration", "day", 1.4, de=("Werktag", "Werktage"), en=("working day", "working days"))),
    (r"(arbeitstag|bankarbeitstag|geschäftstag|business day)",
     UnitDef("business-day", "duration", "day", 1.4, de=("Arbeitstag", "Arbeitstage"),
             en=("business day", "business days"))),
    (r"(kalendertag|calendar day|tag|day)",
     UnitDef("day", "duration", "day", 1.0, de=("Tag", "Tage"), en=("day", "days"))),
    (r"(stunde|std\b|hour|hrs?\b)",
     UnitDef("hour", "duration", "day", 1 / 24, de=("Stunde", "Stunden"), en=("hour", "hours"))),
    (r"((kalender)?woche|(calendar )?week|wks?\b)",
     UnitDef("week", "duration", "day", 7.0, de=("Woche", "Wochen"), en=("week", "weeks"))),
    (r"((kalender)?monat|(calendar )?month|mon\.?$)",
     UnitDef("month", "duration", "month", 1.0, de=("Monat", "Monate"), en=("month", "months"))),
    (r"(quartal|(calendar )?quarter)",
     UnitDef("quarter", "duration", "month", 3.0, de=("Quartal", "Quartale"), en=("quarter", "quarters"))),
    (r"((kalender|vertrags)?jahr|(calendar |contract )?year|yrs?\b)",
     UnitDef("year", "duration", "month", 12.0, de=("Jahr", "Jahre"), en=("year", "years"))),
)
_COMPILED = tuple((regex.compile(p), u) for p, u in _TABLE)

#: target unit -> (dimension, base, size of the target in its base; for data the power of 1000)
_TARGETS: dict[str, tuple[str, str, float]] = {
    "hours": ("duration", "day", 1 / 24), "days": ("duration", "day", 1.0), "weeks": ("duration", "day", 7.0),
    "months": ("duration", "month", 1.0), "years": ("duration", "month", 12.0),
    "MB": ("data", "GB", 2), "GB": ("data", "GB", 3), "TB": ("data", "GB", 4),
    "Mbit/s": ("rate", "Mbit/s", 1.0),
}

_WORKDAY_SLACK = 4.0  # calendar days a weekend and public holidays can add to n working days
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Amount:
    """A number converted to ``unit``: its nominal value and the range it can really take."""

    value: float
    low: float
    high: float
    unit: str


def _norm_word(word: str) -> str:
    return regex.sub(r"\s+", " ", word.strip().lower().replace("-", " ").replace("\u00a0", " "))


@lru_cache(maxsize=512)
def unit_of(word: str | None) -> UnitDef | None:
    """The unit a word names ("Monaten" -> month, "business days" -> business-day), or None."""
    if not word or not isinstance(word, str):
        return None
    w = _norm_word(word)
    for pat, u in _COMPILED:
        if pat.match(w):
            return u
    return None


def target_dimension(target: str) -> str | None:
    t = _TARGETS.get(target)
    return t[0] if t else None


def _number(number: Any) -> float | None:
    if isinstance(number, bool):
        return None
    if isinstance(number, (int, float)):
        return float(number)
    if isinstance(number, str):
        from tosaudit.match import parse_number

        return parse_number(number)
    return None


@lru_cache(maxsize=4096)
def _months_days(whole: int) -> tuple[int, int]:
    """Fewest and most days in ``whole`` consecutive calendar months."""
    if whole <= 0:
        return 0, 0
    years, rest = divmod(whole, 12)
    sums = [sum(_MONTH_DAYS[(s + i) % 12] for i in range(rest)) for s in range(12)] if rest else [0]
    low, high = 365 * years + min(sums), 365 * years + max(sums)
    if years:  # one 29 February in every 48 months (at most one more at the edges)
        low += whole // 48
        high += -(-whole // 48)
    return low, high


def month_span_days(months: float) -> tuple[float, float]:
    """(fewest, most) days that ``months`` calendar months can have: 1 -> (28, 31), 12 -> (365, 366)."""
    if months <= 0:
        return months * 31, months * 28
    w = int(months)
    f = months - w
    (l0, h0), (l1, h1) = _months_days(w), _months_days(w + 1)
    return l0 + f * (l1 - l0), h0 + f * (h1 - h0)


def _days_to_months(days: float, which: int) -> float:
    """The inverse of :func:`month_span_days` on one of its bounds (``which`` 0: fewest, 1: most),
    linear between whole months."""
    if days <= 0:
        return days / (31 if which == 0 else 28)
    if days > 40000:  # over a century: the mean month is close enough
        return days * 12 / 365.25
    w = max(0, int(days // 31) - 1)  # w months never have as many as `days` days
    while _months_days(w + 1)[which] < days:
        w += 1
    lo, hi = _months_days(w)[which], _months_days(w + 1)[which]
    return w + (days - lo) / (hi - lo)


def nominal_days(months: float) -> float:
    """Months in days by the plans' convention: 30 a month, 365 a whole year (18 months: 545)."""
    years = months // 12 if months > 0 else 0
    return 365.0 * years + 30.0 * (months - 12 * years)


def _amount(value: float, low: float, high: float, unit: str) -> Amount:
    # the range always holds the nominal value: a plan value converted by the same convention
    # (a product page's "6 Monate" read as 180 days) never contradicts the same words in a clause
    return Amount(value, min(low, value), max(high, value), unit)


def _duration(n: float, u: UnitDef, target: str) -> Amount:
    _, tbase, size = _TARGETS[target]
    if u.base == "month" and tbase == "month":  # years <-> months: exact
        v = n * u.factor / size
        return Amount(v, v, v, target)
    if u.base == "month":  # calendar months -> days
        lo, hi = month_span_days(n * u.factor)
        return _amount(nominal_days(n * u.factor) / size, lo / size, hi / size, target)
    # day-based source
    if u.key in ("working-day", "business-day"):
        d_lo, d_nom, d_hi = n, n * u.factor, n * u.factor + (_WORKDAY_SLACK if n > 0 else 0.0)
    else:
        d_lo = d_nom = d_hi = n * u.factor
    if tbase == "day":
        return _amount(d_nom / size, d_lo / size, d_hi / size, target)
    # days -> months: the months whose calendar lengths can be d days
    # (more days than any m months have -> more than m months)
    return _amount(d_nom / 30.0 / size, _days_to_months(d_lo, 1) / size, _days_to_months(d_hi, 0) / size, target)


def _data(n: float, u: UnitDef, target: str) -> Amount:
    tpow = int(_TARGETS[target][2])
    diff = u.power - tpow
    if u.binary:
        v = n * (1024.0 ** u.power) / (1000.0 ** tpow)
        return Amount(v, v, v, target)
    a, b = n * 1000.0 ** diff, n * 1024.0 ** diff
    return _amount(a, min(a, b), max(a, b), target)


def convert(number: Any, unit_word: str | None, target: str) -> Amount | None:
    """``number`` (a float or as written: "drei", "1,5") of the unit ``unit_word``, in ``target``.

    ("drei", "Monate", "days") -> Amount(90, 89, 92); ("6", "Wochen", "days") -> 42 exactly;
    ("1", "TB", "GB") -> Amount(1000, 1000, 1024); None when the number or the unit word cannot
    be read or the unit is of another kind than ``target``.
    """
    n = _number(number)
    u = unit_of(unit_word)
    t = _TARGETS.get(target)
    if n is None or u is None or t is None or u.dimension != t[0]:
        return None
    if u.dimension == "duration":
        return _duration(n, u, target)
    if u.dimension == "data":
        return _data(n, u, target)
    v = n * u.factor / t[2]
    return Amount(v, v, v, target)


def unit_name(unit_word: str | None, number: Any, lang: str) -> str | None:
    """The unit in the report's language, singular or plural for ``number``:
    ("Monaten", 3, "de") -> "Monate"; ("Monaten", 1, "en") -> "month"; None for an unknown word."""
    u = unit_of(unit_word)
    if u is None:
        return None
    n = _number(number)
    sg, pl = u.de if lang == "de" else u.en
    return sg if n == 1 else pl


def target_name(target: str, lang: str) -> str:
    """A target unit in the report's language ("days" -> "Tage")."""
    de = {"hours": "Stunden", "days": "Tage", "weeks": "Wochen", "months": "Monate", "years": "Jahre"}
    return de.get(target, target) if lang == "de" else target
