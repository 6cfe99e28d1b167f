"""The catalogue loads, lints clean, and its errors name the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import edit_yaml
from tosaudit.catalogue import load_catalogue
from tosaudit.catalogue.lint import lint
from tosaudit.errors import CatalogueError


def test_bundled_catalogue_lints_clean():
    cat = load_catalogue()
    assert cat.rules, "the bundled catalogue has rules"
    assert lint(cat) == []


def test_every_rule_cites_resolvable_norms():
    cat = load_catalogue()
    for r in cat.rules:
        assert r.legal_basis and all(n in cat.norms for n in r.legal_basis), r.id


def test_unknown_key_names_file_and_key(scratch: Path):
    f = scratch / "data" / "backup-duty-shifted.yaml"
    edit_yaml(f, lambda d: d.__setitem__("severty", "high"))
    with pytest.raises(CatalogueError) as e:
        load_catalogue(scratch)
    assert any(str(f) in p and "severty" in p for p in e.value.problems)


def test_duplicate_id(scratch: Path):
    src = scratch / "data" / "backup-duty-shifted.yaml"
    (scratch / "other").mkdir()
    shutil.copy(src, scratch / "other" / "backup-duty-shifted.yaml")
    with pytest.raises(CatalogueError) as e:
        load_catalogue(scratch)
    assert any("already used" in p for p in e.value.problems)


def test_id_must_match_file_name(scratch: Path):
    f = scratch / "data" / "backup-duty-shifted.yaml"
    f.rename(scratch / "data" / "renamed.yaml")
    with pytest.raises(CatalogueError, match="must equal the file name"):
        load_catalogue(scratch)


def test_lint_finds_unknown_norm_feature_placeholder_bad_regex(scratch: Path):
    f = scratch / "data" / "backup-duty-shifted.yaml"

    def break_it(d):
        d["legal_basis"].append("BGB-999")
        d["contradicts"]["when"] = {"feature": "export.availble", "equals": False}
        d["message"]["en"] = "Clause {clause} on {nonsense}"
        d["match"]["en"] = {"regex": "(unclosed"}
        d["examples"]["en"]["pass"] = d["examples"]["en"]["pass"][:1]

    edit_yaml(f, break_it)
    problems = lint(load_catalogue(scratch))
    joined = "\n".join(problems)
    assert "legal_basis[3]: unknown norm id 'BGB-999'" in joined
    assert "unknown feature key 'export.availble'" in joined
    assert "unknown placeholder {nonsense}" in joined
    assert "match.en: pattern does not compile" in joined
    assert "examples.en.pass: needs at least 2" in joined
    assert all(p.startswith(str(f)) for p in problems)


def test_lint_rejects_a_wildcard_inside_a_term(scratch: Path):
    """'externe* Websites' never matches anything: the '*' only works at a term's ends."""
    f = scratch / "data" / "backup-duty-shifted.yaml"
    edit_yaml(f, lambda d: d["unless"].setdefault("en", []).append({"terms": ["third* party sites", "backup*"]}))
    problems = lint(load_catalogue(scratch))
    assert any("'third* party sites' has a '*' inside" in p and "unless.en[" in p for p in problems), problems
    assert not any("'backup*'" in p for p in problems)


def test_broken_yaml_is_named(scratch: Path):
    (scratch / "data" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as e:
        load_catalogue(scratch)
    assert any("broken.yaml: not valid YAML" in p for p in e.value.problems)


def test_select_and_ignore():
    cat = load_catalogue()
    assert [r.id for r in cat.select(["backup-duty-shifted"])] == ["backup-duty-shifted"]
    assert all(r.category == "data" for r in cat.select(["data"]))
    assert "backup-duty-shifted" not in [r.id for r in cat.select(ignore=["backup-duty-shifted"])]
    with pytest.raises(CatalogueError, match="unknown rule"):
        cat.select(["no-such-rule"])
