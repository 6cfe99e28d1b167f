"""Run every rule's own examples (``tosaudit rules test`` and the parametrised pytest).

fail: must fire (and cover ``span`` when given); pass: must not fire; todo_fail / todo_pass:
known misses and false alarms, reported as expected failures and flagged when they start to
work (strict xfail, as semgrep's ``todoruleid``). An example with a ``profile`` also checks
whether the finding is a contradiction. An example that fires must capture unit words that
:mod:`tosaudit.units` can read, for every capture the rule compares with a unit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterator

from tosaudit.catalogue import Catalogue
from tosaudit.catalogue.schema import Example, Rule
from tosaudit.features import build_profile
from tosaudit.models import Document, SourceInfo
from tosaudit.units import unit_of


@dataclass
class Case:
    rule: Rule
    lang: str
    kind: str  # fail | pass | todo_fail | todo_pass
    index: int
    example: Example

    @property
    def id(self) -> str:
        return f"{self.rule.id}:{self.lang}:{self.kind}[{self.index}]"


def cases(cat: Catalogue) -> Iterator[Case]:
    for r in cat.rules:
        for lang, ex in sorted(r.examples.items()):
            for kind, items in (("fail", ex.fail), ("pass", ex.pass_), ("todo_fail", ex.todo_fail),
                                ("todo_pass", ex.todo_pass)):
                for i, e in enumerate(items):
                    yield Case(r, lang, kind, i, e)


def example_document(text: str) -> Document:
    data = text.encode("utf-8")
    return Document(
        source=SourceInfo(name="example", kind="pasted", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                          extractor="example"),
        text=text,
    )


def run_case(case: Case, cat: Catalogue) -> tuple[bool, str]:
    """(ok, explanation). ``ok`` means the example behaves as its kind says it must;
    for todo_* kinds ``ok`` means the known problem is still there."""
    from tosaudit.audit import audit_document

    ex = case.example
    profile = build_profile({"features": ex.profile}, cat.features, source="example") if ex.profile else None
    report = audit_document(example_document(ex.text), cat, profile, lang=case.lang, select=[case.rule.id])
    timeouts = [p for p in report.problems if p.kind == "rule-timeout"]
    if timeouts:
        return False, timeouts[0].message
    fs = [f for f in report.findings if f.rule_id == case.rule.id]
    fired = bool(fs)
    must_fire = case.kind in ("fail", "todo_pass")
    if fired != must_fire:
        if case.kind.startswith("todo"):
            return False, "known problem no longer occurs: move the example out of todo"
        return False, ("did not fire" if must_fire else f"fired on: {fs[0].spans[0].text if fs[0].spans else fs[0].quote!r}")
    if fired and ex.span:
        pos = ex.text.find(ex.span)
        if pos < 0:
            return False, f"span {ex.span!r} is not part of the example text"
        covered = any(s.start < pos + len(ex.span) and pos < s.end for f in fs for s in f.spans)
        if not covered:
            shown = [s.text for f in fs for s in f.spans]
            return False, f"fired, but not on {ex.span!r} (matched {shown})"
    if fired and case.rule.contradicts is not None:
        # a unit word the pattern captures but tosaudit/units.py cannot read would leave the
        # comparison undecided in every real contract: the example says so
        for _, ref in case.rule.contradicts.when.capture_refs():
            for f in fs:
                word = f.captures.get(ref.unit) if ref.unit else None
                if isinstance(word, str) and unit_of(word) is None:
                    return False, f"unit word {word!r} (group {ref.unit!r}) is not a unit tosaudit/units.py knows"
    if fired and ex.contradiction is not None:
        is_con = any(f.kind == "contradiction" for f in fs)
        if is_con != ex.contradiction:
            return False, f"expected contradiction={ex.contradiction}, got {is_con}"
    return True, "ok"
