"""Profiles are validated against the vocabulary; feature tests are three-valued."""

from __future__ import annotations

import pytest

from tosaudit.catalogue import load_catalogue
from tosaudit.catalogue.schema import FeatureCond
from tosaudit.errors import ProfileError
from tosaudit.features import build_profile, evaluate, load_profile, merge_profiles

VOCAB = load_catalogue().features


def prof(**feats):
    return build_profile({"features": {k.replace("__", "."): v for k, v in feats.items()}}, VOCAB)


def test_vocabulary_is_complete_enough():
    assert len(VOCAB) >= 25
    for fd in VOCAB.values():
        assert fd.label.de and fd.label.en and fd.help.de and fd.help.en


def test_nested_and_dotted_keys_and_coercion():
    p = build_profile({"plan": "Start", "features": {"sla": {"uptime_pct": "99,9 %"}, "backup.included": "nein",
                                                     "support.hours": "24/7", "term.min_months": "12",
                                                     "export.available": "unknown"}}, VOCAB)
    assert p.value("sla.uptime_pct") == pytest.approx(99.9)
    assert p.value("backup.included") is False
    assert p.value("support.hours") == "24/7"
    assert p.value("term.min_months") == 12
    assert p.value("export.available") is None


@pytest.mark.parametrize(
    "features,needle",
    [
        ({"backup.includd": True}, "did you mean 'backup.included'"),
        ({"sla.uptime_pct": "high"}, "expected a number"),
        ({"backup.included": "maybe"}, "expected yes/no"),
        ({"support.hours": "always"}, "expected one of"),
        ({"term.min_months": 1.5}, "whole number"),
    ],
)
def test_profile_errors_name_the_key(features, needle):
    with pytest.raises(ProfileError, match=needle):
        build_profile({"features": features}, VOCAB)


def test_profile_file_errors(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "nope.yaml", VOCAB)
    bad = tmp_path / "bad.yaml"
    bad.write_text("features: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad, VOCAB)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match="empty"):
        load_profile(empty, VOCAB)


def cond(d):
    return FeatureCond.model_validate(d)


def test_three_valued_logic():
    c = cond({"any": [{"feature": "backup.included", "equals": False}, {"feature": "export.available", "equals": False}]})
    assert evaluate(c, prof(backup__included=False), {}) is True
    assert evaluate(c, prof(backup__included=True), {}) is None  # export unknown
    assert evaluate(c, prof(backup__included=True, export__available=True), {}) is False
    assert evaluate(c, None, {}) is None
    a = cond({"all": [{"feature": "backup.included", "equals": True}, {"feature": "export.available", "equals": True}]})
    assert evaluate(a, prof(backup__included=False), {}) is False  # one false decides an `all`


def test_numeric_comparison_with_capture():
    c = cond({"feature": "sla.uptime_pct", "greater_than": {"capture": "pct"}})
    assert evaluate(c, prof(sla__uptime_pct=99.9), {"pct": 99.0}) is True
    assert evaluate(c, prof(sla__uptime_pct=99.0), {"pct": 99.5}) is False
    assert evaluate(c, prof(sla__uptime_pct=99.9), {}) is None  # clause stated no number


def test_merge_profile_overrides_key_by_key():
    page = prof(backup__included=True, sla__uptime_pct=99.0)
    explicit = prof(sla__uptime_pct=99.9)
    m = merge_profiles(page, explicit)
    assert m.value("backup.included") is True and m.value("sla.uptime_pct") == 99.9


def test_condition_shape_is_validated():
    with pytest.raises(ValueError):
        cond({"feature": "backup.included"})
    with pytest.raises(ValueError):
        cond({"feature": "backup.included", "equals": True, "any": []})
