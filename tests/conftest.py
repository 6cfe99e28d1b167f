"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tosaudit.catalogue import load_catalogue, rules_dir


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A one-rule catalogue (backup-duty-shifted) with the real tables, to edit in a test."""
    return make_scratch(tmp_path, "data/backup-duty-shifted.yaml")


def make_scratch(tmp_path: Path, rule: str) -> Path:
    """A catalogue of the real tables and one real rule (``topic/id.yaml``) with the shared
    pieces it uses, under ``tmp_path/rules``."""
    root = tmp_path / "rules"
    root.mkdir()
    for name in ("legal.yaml", "features.yaml", "sectors.yaml"):
        shutil.copy(rules_dir() / name, root / name)
    (root / rule).parent.mkdir(parents=True)
    shutil.copy(rules_dir() / rule, root / rule)
    copy_shared_pieces(root, Path(rule).stem)
    return root


def edit_yaml(path: Path, fn) -> None:
    """Load a YAML file, let ``fn`` change the data in place, write it back."""
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(d)
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")


def copy_shared_pieces(root: Path, rule_id: str) -> None:
    """rules/patterns.yaml with only the named patterns and trees the rule uses (so none is unused)."""
    shared = load_catalogue().patterns
    used = {(kind, name) for kind, name, _ in shared.used_in(rule_id)}
    data = yaml.safe_load((rules_dir() / "patterns.yaml").read_text(encoding="utf-8"))
    keep = {section: {n: v for n, v in (data.get(section) or {}).items() if (section[:-1], n) in used}
            for section in ("patterns", "trees")}
    (root / "patterns.yaml").write_text(yaml.safe_dump(keep, allow_unicode=True), encoding="utf-8")
