"""Data models shared by every stage: pydantic, no logic beyond validation.

One unit for positions: character offsets into ``Document.text`` (the one
normalised string). Pages, clause numbers and lines are derived from offsets.
"""

from __future__ import annotations

import bisect
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

Severity = Literal["info", "warning", "high"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "high": 2}

Confidence = Literal["low", "medium", "high"]

#: Closed list of rule categories (what the clause is about).
CATEGORIES: tuple[str, ...] = (
    "data",  # backups, export, deletion, restore
    "availability",  # uptime, maintenance, outage credits
    "suspension",  # blocking / suspending the service
    "termination",  # provider's termination rights
    "content",  # removal of user content
    "limits",  # fair use, throttling, "unlimited"
    "price",  # price changes, fees for the core service
    "change",  # unilateral changes to terms or service, transfer
    "consent",  # contract by using, deemed consent
    "term",  # duration, renewal, notice, cancellation form
    "liability",  # exclusions and caps of liability
    "transparency",  # vague or hedging wording
    "procedure",  # burden of proof, deemed receipt, claim deadlines
    "payment",  # set-off, retention, lump sums, penalties
    "privacy",  # data location, privacy policy incorporated
    "support",  # support scope
    "law",  # choice of law
    "jurisdiction",  # forum
    "arbitration",  # arbitration, mandatory ADR, class-action waiver
)
Category = Literal[
    "data", "availability", "suspension", "termination", "content", "limits",
    "price", "change", "consent", "term", "liability", "transparency",
    "procedure", "payment", "privacy", "support", "law", "jurisdiction",
    "arbitration",
]

#: UNFAIR-ToS / CLAUDETTE categories (Lippi et al. 2019; PINC from the multilingual corpus).
CLAUDETTE: tuple[str, ...] = ("A", "CH", "CR", "J", "LAW", "LTD", "TER", "USE", "PINC")
ClaudetteCat = Literal["A", "CH", "CR", "J", "LAW", "LTD", "TER", "USE", "PINC"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocalText(Strict):
    """A text in both languages of the catalogue."""

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


# --------------------------------------------------------------------------- ingest


class Problem(Strict):
    """Something that went wrong on the way; never dropped silently, always in the report."""

    kind: Literal[
        "no-text-layer",  # a page (or the whole file) has no extractable text
        "page-error",  # a page could not be read
        "encrypted",
        "damaged",
        "empty",
        "unsupported",
        "fetch",
        "ocr-suspect",  # text layer present but looks like garbage
        "rule-timeout",  # a pattern exceeded its time budget
        "profile",  # a profile value that could not be used
        "language",  # language could not be detected with confidence
        "other",
    ]
    message: str
    page: int | None = None
    rule_id: str | None = None
    severity: Literal["error", "warning", "info"] = "warning"


class PageSpan(Strict):
    """Page ``number`` (1-based) covers ``Document.text[start:end]``."""

    number: int
    start: int
    end: int


class SourceInfo(Strict):
    name: str
    kind: Literal["pdf", "html", "docx", "text", "markdown", "pasted", "url"]
    sha256: str
    size: int
    pages: int | None = None
    extractor: str
    url: str | None = None


class Document(Strict):
    source: SourceInfo
    text: str
    pages: list[PageSpan] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    #: language detected (or forced); None until detected
    lang: Lang | None = None

    def page_at(self, offset: int) -> int | None:
        """The page holding character ``offset`` (None for sources without pages)."""
        if not self.pages:
            return None
        starts = [p.start for p in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        return self.pages[max(i, 0)].number


# --------------------------------------------------------------------------- segment


class Sentence(Strict):
    start: int
    end: int


class Clause(Strict):
    """A numbered or unnumbered unit of the contract (the smallest numbered part)."""

    index: int
    #: the clause's own number as printed, normalised ("§ 10", "10.4", "(3)", "a)")
    number: str | None = None
    #: the full reference a reader would cite, e.g. "§ 10 Abs. 4" or "10.4" or "Section 12.3 (b)"
    ref: str | None = None
    #: headings of the enclosing sections, outermost first ("§ 10 Datensicherung")
    heading_path: list[str] = Field(default_factory=list)
    start: int
    end: int
    page: int | None = None
    page_end: int | None = None
    sentences: list[Sentence] = Field(default_factory=list)

    def text(self, doc: Document) -> str:
        return doc.text[self.start : self.end]


# --------------------------------------------------------------------------- features


class FeatureDef(Strict):
    """One key of the feature vocabulary (rules/features.yaml)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
    type: Literal["bool", "int", "float", "enum", "str"]
    values: list[str] | None = None  # allowed values for enum
    unit: str | None = None  # "percent", "months", "days", "GB", "hours"
    group: str
    label: LocalText
    help: LocalText
    #: phrases that reveal the feature on a product page (used by feature extraction)
    cues: dict[str, Any] = Field(default_factory=dict)


FeatureScalar = bool | int | float | str


class FeatureValue(Strict):
    key: str
    value: FeatureScalar | None  # None = unknown
    #: where it came from: "profile", "form", "product-page", "default"
    origin: Literal["profile", "form", "product-page", "unknown"] = "profile"
    #: the file, sentence or field it came from
    source: str | None = None


class Profile(Strict):
    """What a plan really offers, in the vocabulary of rules/features.yaml."""

    provider: str | None = None
    plan: str | None = None
    url: str | None = None
    #: what kind of product the contract is for (an id of rules/sectors.yaml); None = not stated,
    #: every rule runs. Rules written only for other sectors are left out (and listed in the report).
    sector: str | None = None
    features: dict[str, FeatureValue] = Field(default_factory=dict)

    def value(self, key: str) -> FeatureScalar | None:
        fv = self.features.get(key)
        return None if fv is None else fv.value


# --------------------------------------------------------------------------- findings


class LegalRef(Strict):
    id: str
    citation: str
    summary: str | None = None
    url: str | None = None


class Span(Strict):
    start: int
    end: int
    text: str
    #: which pattern node fired, as a path ("match.all[1].regex")
    node: str | None = None


class ClauseRef(Strict):
    index: int
    number: str | None = None
    ref: str | None = None
    heading: str | None = None
    page: int | None = None
    start: int
    end: int


class FeatureEvidence(Strict):
    key: str
    label: str
    value: FeatureScalar | None
    origin: str
    source: str | None = None
    #: the condition the rule checks, in words ("must not be false")
    condition: str | None = None


class Finding(Strict):
    rule_id: str
    title: str
    category: str
    claudette: list[str] = Field(default_factory=list)
    #: clause = risky clause on its own; contradiction = clause vs. product feature;
    #: conflict = clause vs. clause of the same contract
    kind: Literal["clause", "contradiction", "conflict"] = "clause"
    severity: Severity
    confidence: Confidence
    message: str
    why: str
    ask: str
    legal_basis: list[LegalRef] = Field(default_factory=list)
    decisions: list[LegalRef] = Field(default_factory=list)
    clause: ClauseRef
    quote: str
    spans: list[Span] = Field(default_factory=list)
    #: the second clause of a clause-vs-clause conflict
    other_clause: ClauseRef | None = None
    other_quote: str | None = None
    #: the features that made it a contradiction
    features: list[FeatureEvidence] = Field(default_factory=list)
    #: features the rule would need to decide a contradiction, but the profile does not state
    unknown_features: list[FeatureEvidence] = Field(default_factory=list)
    #: values captured from the clause (e.g. {"pct": 99.0})
    captures: dict[str, Any] = Field(default_factory=dict)
    fingerprint: str


class CatalogueInfo(Strict):
    version: str
    rules: int
    selected: int


class SectorInfo(Strict):
    """The sector the rules were chosen for, and the rules left out because they were written
    only for other sectors (``applies_to``). Present only when a sector was stated."""

    #: the sector id (rules/sectors.yaml)
    id: str
    #: its name in the report language ("web hosting")
    label: str
    #: ids of the rules that would have run (language, --select/--ignore) but were written only
    #: for other sectors, so they were not run
    skipped_rules: list[str] = Field(default_factory=list)
    #: how many (= len(skipped_rules))
    skipped_count: int = 0
    #: clause-against-clause checks (rules/conflicts.yaml) that could not run because one of
    #: their sides consists only of left-out rules
    skipped_conflicts: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _count(self) -> SectorInfo:
        if self.skipped_count != len(self.skipped_rules):
            raise ValueError(f"skipped_count {self.skipped_count} differs from the {len(self.skipped_rules)} "
                             "skipped_rules")
        return self


class Report(Strict):
    schema_version: Literal["1"] = "1"
    tool: str = "tosaudit"
    version: str
    catalogue: CatalogueInfo
    source: SourceInfo
    language: Lang
    report_language: Lang
    pages: int | None = None
    clauses: int
    profile: Profile | None = None
    #: the sector the rules were chosen for (from --sector or the profile); None = not stated,
    #: every selected rule ran
    sector: SectorInfo | None = None
    findings: list[Finding] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)

    @field_validator("findings")
    @classmethod
    def _sorted(cls, v: list[Finding]) -> list[Finding]:
        return sorted(v, key=lambda f: (-SEVERITY_ORDER[f.severity], f.clause.start, f.rule_id))

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in ("high", "warning", "info")}
        for f in self.findings:
            out[f.severity] += 1
        out["contradictions"] = sum(f.kind == "contradiction" for f in self.findings)
        out["conflicts"] = sum(f.kind == "conflict" for f in self.findings)
        return out
