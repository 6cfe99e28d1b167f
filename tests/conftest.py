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
    root = tmp_path / "rules"
    root.mkdir()
    for name in ("legal.yaml", "features.yaml", "sectors.yaml"):
        shutil.copy(rules_dir() / name, root / name)
    (root / "data").mkdir()
    shutil.copy(rules_dir() / "data" / "backup-duty-shifted.yaml", root / "data" / "backup-duty-shifted.yaml")
    copy_shared_pieces(root, "backup-duty-shifted")
    return root


def copy_shared_pieces(root: Path, rule_id: str) -> None:
    """rules/patterns.yaml with only the named patterns and trees the rule uses (so none is unused)."""
    shared = load_catalogue().patterns
    used = {(kind, name) for kind, name, _ in shared.used_in(rule_id)}
    data = yaml.safe_load((rules_dir() / "patterns.yaml").read_text(encoding="utf-8"))
    keep = {section: {n: v for n, v in (data.get(section) or {}).items() if (section[:-1], n) in used}
            for section in ("patterns", "trees")}
    (root / "patterns.yaml").write_text(yaml.safe_dump(keep, allow_unicode=True), encoding="utf-8")
