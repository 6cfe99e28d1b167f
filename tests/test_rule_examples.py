"""Every rule's own examples, one parametrised test (fail must fire, pass must not; todo_* are strict xfails)."""

from __future__ import annotations

import pytest

from tosaudit.catalogue import load_catalogue
from tosaudit.catalogue.examples import cases, run_case

CAT = load_catalogue()
CASES = list(cases(CAT))


def _param(c):
    marks = []
    if c.kind.startswith("todo"):
        marks.append(pytest.mark.xfail(strict=True, reason="known " + ("miss" if c.kind == "todo_fail" else "false alarm")))
    return pytest.param(c, id=c.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_example(case):
    ok, why = run_case(case, CAT)
    if case.kind.startswith("todo"):
        # a todo example "works" when the known problem is gone: then the xfail turns into a strict failure
        assert not ok, why
        return
    assert ok, f"{why}\n{case.example.text}"


def test_every_rule_has_examples_in_each_language():
    for r in CAT.rules:
        for lang in r.langs:
            ex = r.examples.get(lang)
            assert ex and len(ex.fail) >= 2 and len(ex.pass_) >= 2, f"{r.id} ({lang})"
