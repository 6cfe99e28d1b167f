"""The rule format: pydantic models for one rule file, the legal-norms table and features.

A rule is data. Its ``match`` is a small pattern tree per language::

    match:
      de: {all: [{terms: [Datensicherung*, Backup*]}, {regex: 'obliegt|verpflichtet'}]}
      en: {near: {items: [{terms: [backup*]}, {terms: [responsible, your duty]}], within: 8}}

Nodes: ``regex`` (a `regex`-module pattern, case-insensitive), ``terms`` (literal words or
phrases; ``*`` at either end lets the word continue, so ``Datensicherung*`` also matches
"Datensicherungen"; a space matches any white space, a hyphen an optional hyphen or space),
``any``, ``all``, ``not``, ``near`` (items within N words). ``unless`` holds exceptions that
suppress a hit when they match in the same sentence (or the whole clause, with
``unless_scope: clause``).

``contradicts.when`` compares the plan's features with constants or with values the pattern
captured in named groups; a captured amount can be converted to the feature's unit::

    contradicts:
      when: {feature: term.notice_days, less_than: {capture: n, unit: unit, as: days}}

(``n`` holds the number, ``unit`` the unit word; see :class:`Capture` and :mod:`tosaudit.units`.)
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tosaudit.models import (
    Category,
    ClaudetteCat,
    Confidence,
    FeatureScalar,
    Lang,
    LocalText,
    Severity,
    Strict,
)

RULE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Near(Strict):
    items: list[Node] = Field(min_length=2)
    #: the largest number of words allowed between two neighbouring items
    within: int = Field(default=10, ge=0, le=200)
    #: require the items in the order given
    ordered: bool = False


class Node(BaseModel):
    """One node of a pattern tree. Exactly one key is set."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    regex: str | None = None
    terms: list[str] | None = Field(default=None, min_length=1)
    any: list[Node] | None = Field(default=None, min_length=1)
    all: list[Node] | None = Field(default=None, min_length=1)
    not_: Node | None = Field(default=None, alias="not")
    near: Near | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # a bare string is a regex, a bare list an `any`
        if isinstance(data, str):
            return {"regex": data}
        if isinstance(data, list):
            return {"any": data}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> Node:
        keys = [k for k in ("regex", "terms", "any", "all", "not_", "near") if getattr(self, k) is not None]
        if len(keys) != 1:
            shown = [k.rstrip("_") for k in keys] or ["nothing"]
            raise ValueError(
                "a pattern node needs exactly one of regex, terms, any, all, not, near; got " + ", ".join(shown)
            )
        return self

    @property
    def kind(self) -> str:
        for k in ("regex", "terms", "any", "all", "not_", "near"):
            if getattr(self, k) is not None:
                return k.rstrip("_")
        raise AssertionError  # pragma: no cover


Near.model_rebuild()


class Capture(Strict):
    """Refers to a value captured by a named group ``(?P<name>...)`` of the clause pattern.

    ``{capture: days}`` compares the captured number as it is. With a unit,
    ``{capture: n, unit: unit, as: days}`` reads the unit word from the group ``unit`` ("Wochen",
    "Monaten", "business days", "TB") and converts the number to ``as`` (the feature's unit)
    before comparing (:mod:`tosaudit.units`: a month is 28 to 31 days, and a test holds only
    when it holds for every length the period can have). A unit word that cannot be read leaves
    the test undecided, like a feature the profile does not state.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    capture: str
    #: the named group holding the unit word of the captured number
    unit: str | None = None
    #: the unit to convert to: hours, days, weeks, months, years, MB, GB, TB, Mbit/s
    as_: str | None = Field(default=None, alias="as")

    @model_validator(mode="after")
    def _unit_pair(self) -> Capture:
        from tosaudit.units import TARGET_UNITS

        if (self.unit is None) != (self.as_ is None):
            raise ValueError("a capture with a unit needs both `unit` (the group holding the unit word) and "
                             "`as` (the unit to convert to), e.g. {capture: n, unit: unit, as: days}")
        if self.as_ is not None and self.as_ not in TARGET_UNITS:
            raise ValueError(f"as: unknown unit {self.as_!r}; use one of {', '.join(TARGET_UNITS)}")
        if self.unit is not None and self.unit == self.capture:
            raise ValueError("unit and capture must be two different groups (the number and its unit word)")
        return self


class FeatureCond(Strict):
    """A test on one feature of the product profile, or a combination of tests.

    Three-valued: a feature the profile does not state is *unknown*, and a test on it is
    unknown rather than false. Comparisons read "feature <op> value", e.g.
    ``{feature: sla.uptime_pct, greater_than: {capture: pct}}`` holds when the plan promises
    more than the clause grants. A captured amount with a unit is a range (a month is 28 to 31
    days): the comparison holds only when it holds for every value of the range.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    any: list[FeatureCond] | None = None
    all: list[FeatureCond] | None = None
    feature: str | None = None
    equals: FeatureScalar | None = None
    not_equals: FeatureScalar | None = None
    in_: list[FeatureScalar] | None = Field(default=None, alias="in")
    greater_than: float | Capture | None = None
    less_than: float | Capture | None = None
    at_least: float | Capture | None = None
    at_most: float | Capture | None = None

    @field_validator("greater_than", "less_than", "at_least", "at_most", mode="before")
    @classmethod
    def _capture_operand(cls, v: Any) -> Any:
        # a mapping is a capture: validate it here, so that a mistake gives one message about the
        # capture rather than one per member of the union (number or capture)
        if isinstance(v, dict):
            try:
                return Capture.model_validate(v)
            except ValidationError as exc:
                raise ValueError("; ".join(
                    (".".join(str(p) for p in e["loc"]) + ": " if e["loc"] else "")
                    + e["msg"].removeprefix("Value error, ")
                    for e in exc.errors())) from None
        return v

    @model_validator(mode="after")
    def _shape(self) -> FeatureCond:
        combos = [k for k in ("any", "all") if getattr(self, k) is not None]
        ops = [
            k
            for k in ("equals", "not_equals", "in_", "greater_than", "less_than", "at_least", "at_most")
            if getattr(self, k) is not None
        ]
        if combos:
            if len(combos) > 1 or self.feature is not None or ops:
                raise ValueError("a condition is either any/all of conditions, or one feature test")
        else:
            if self.feature is None or len(ops) != 1:
                raise ValueError(
                    "a feature test needs `feature` and exactly one of equals, not_equals, in, "
                    "greater_than, less_than, at_least, at_most"
                )
        return self

    def features(self) -> list[str]:
        if self.feature is not None:
            return [self.feature]
        out: list[str] = []
        for c in (self.any or []) + (self.all or []):
            out.extend(c.features())
        return out

    def capture_refs(self) -> list[tuple[str, Capture]]:
        """(feature, capture) for every comparison with a captured value."""
        out: list[tuple[str, Capture]] = []
        for k in ("greater_than", "less_than", "at_least", "at_most"):
            v = getattr(self, k)
            if isinstance(v, Capture):
                out.append((self.feature or "", v))
        for c in (self.any or []) + (self.all or []):
            out.extend(c.capture_refs())
        return out


FeatureCond.model_rebuild()


class Contradicts(Strict):
    """Turns a clause finding into a contradiction when the plan's features say so."""

    when: FeatureCond
    severity: Severity = "high"
    message: LocalText
    ask: LocalText | None = None
    #: report the clause only when it is a contradiction (or undecided for lack of a feature);
    #: when the features rule it out, the clause is fine on its own and nothing is reported
    only_if_contradiction: bool = False


class Example(Strict):
    text: str = Field(min_length=1)
    #: a part of the text the hit must cover (checks that the right words fire)
    span: str | None = None
    #: a profile for contradiction examples ({feature key: value})
    profile: dict[str, FeatureScalar] | None = None
    #: with a profile: whether the example must come out as a contradiction
    contradiction: bool | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_str(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data


class LangExamples(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fail: list[Example] = Field(default_factory=list)  # must fire
    pass_: list[Example] = Field(default_factory=list, alias="pass")  # must not fire
    todo_fail: list[Example] = Field(default_factory=list)  # known misses (strict xfail)
    todo_pass: list[Example] = Field(default_factory=list)  # known false alarms (strict xfail)


class Rule(Strict):
    id: str = Field(pattern=RULE_ID)
    aliases: list[str] = Field(default_factory=list)
    title: LocalText
    category: Category
    claudette: list[ClaudetteCat] = Field(default_factory=list)
    severity: Severity
    confidence: Confidence
    languages: list[Lang] | None = None
    scope: Literal["sentence", "clause", "document"] = "sentence"
    match: dict[Lang, Node]
    unless: dict[Lang, list[Node]] = Field(default_factory=dict)
    unless_scope: Literal["sentence", "clause"] | None = None
    legal_basis: list[str] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    #: ToS;DR case ids this rule corresponds to (informative)
    tosdr: list[int] = Field(default_factory=list)
    #: sectors the rule is written for (ids from rules/sectors.yaml); empty = every sector
    applies_to: list[str] = Field(default_factory=list)
    contradicts: Contradicts | None = None
    message: LocalText
    why: LocalText
    ask: LocalText
    examples: dict[Lang, LangExamples]
    #: set by the loader: the file the rule came from
    path: str | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _languages(self) -> Rule:
        keys = sorted(self.match)
        if not keys:
            raise ValueError("match needs a pattern for at least one language (de, en)")
        if self.languages is not None and sorted(self.languages) != keys:
            raise ValueError(f"languages {sorted(self.languages)} differ from the languages of match {keys}")
        self.languages = keys  # type: ignore[assignment]
        for lang in self.unless:
            if lang not in self.match:
                raise ValueError(f"unless has language {lang!r} that match does not have")
        return self

    @property
    def langs(self) -> list[str]:
        return list(self.languages or sorted(self.match))

    def applies_to_sector(self, sector: str) -> bool:
        """Whether the rule is written for ``sector`` (a rule without ``applies_to`` is for every sector)."""
        return not self.applies_to or sector in self.applies_to


# ---------------------------------------------------------------------------- sectors (rules/sectors.yaml)

#: the reserved sector id that means "every rule" (``--sector all``)
SECTOR_ALL = "all"


def unknown_sector(raw: str, ids: list[str]) -> str:
    """"unknown sector 'webhosting' (did you mean 'hosting'?); use one of: hosting, ..." """
    hint = difflib.get_close_matches(raw.strip().lower(), ids, n=1)
    return (f"unknown sector {raw!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; use one of: {', '.join(ids)}")


class SectorDef(Strict):
    """One kind of product a contract can be for (``applies_to`` of a rule, ``sector`` of a profile)."""

    id: str = Field(pattern=RULE_ID)
    label: LocalText
    description: LocalText

    @model_validator(mode="after")
    def _not_reserved(self) -> SectorDef:
        if self.id == SECTOR_ALL:
            raise ValueError(f"the sector id {SECTOR_ALL!r} is reserved (it means: every rule)")
        return self


class SectorTable(Strict):
    sectors: list[SectorDef] = Field(min_length=1)


class Norm(Strict):
    id: str
    citation: str
    summary: LocalText
    url: str | None = None


class Decision(Strict):
    id: str
    court: str
    date: str
    file_number: str
    summary: LocalText
    url: str | None = None

    @property
    def citation(self) -> str:
        return f"{self.court}, {self.date}, {self.file_number}"


class LegalTable(Strict):
    norms: list[Norm]
    decisions: list[Decision] = Field(default_factory=list)


# ---------------------------------------------------------------------------- conflicts (rules/conflicts.yaml)


class ConflictDiffer(Strict):
    """The two hits conflict when this captured value differs between them (after normalising)."""

    capture: str
    #: a second capture holding the unit of the value ("Tage", "months"), for ``measure: duration``
    unit: str | None = None
    #: duration: normalise (number, unit) to days; number: compare as plain numbers
    measure: Literal["duration", "number"] = "number"


class ConflictDef(Strict):
    """Clause against clause: hits of ``first`` and ``second`` (rule ids) in two different clauses
    of one contract contradict each other (a promise and its negation, or two different values)."""

    id: str = Field(pattern=RULE_ID)
    title: LocalText
    category: Category
    severity: Severity
    confidence: Confidence = "medium"
    first: list[str] = Field(min_length=1)
    second: list[str] = Field(min_length=1)
    #: with ``differ``: the values must differ; without: any hit of each side is a conflict
    differ: ConflictDiffer | None = None
    legal_basis: list[str] = Field(min_length=1)
    decisions: list[str] = Field(default_factory=list)
    message: LocalText
    why: LocalText
    ask: LocalText
    #: contracts (two or more clauses) that must (fail) or must not (pass) show this conflict
    examples: dict[Lang, LangExamples] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _lists(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for k in ("first", "second"):
                if isinstance(data.get(k), str):
                    data = {**data, k: [data[k]]}
        return data


class ConflictTable(Strict):
    conflicts: list[ConflictDef] = Field(default_factory=list)
