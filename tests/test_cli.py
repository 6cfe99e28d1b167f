"""The command line as a user meets it: exit codes, one-line errors, reports, a runaway rule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tosaudit.catalogue import rules_dir
from tosaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_A = ROOT / "samples" / "homepage-builder"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    from fpdf import FPDF

    d = tmp_path_factory.mktemp("bad")
    p = FPDF()
    p.add_page()
    p.set_font("Helvetica", size=12)
    p.cell(0, 10, "Allgemeine Geschaeftsbedingungen")
    p.set_encryption(owner_password="owner", user_password="user")
    p.output(str(d / "encrypted.pdf"))
    p = FPDF()
    p.add_page()
    p.rect(10, 10, 120, 160, style="F")
    p.output(str(d / "scanned.pdf"))
    data = (SAMPLE_A / "agb.pdf").read_bytes()
    (d / "damaged.pdf").write_bytes(data[: len(data) // 3])
    (d / "empty.txt").write_bytes(b"")
    (d / "contract.xyz").write_text("Text", encoding="utf-8")
    return d


@pytest.mark.parametrize(
    "name,reason",
    [("damaged.pdf", "damaged"), ("encrypted.pdf", "encrypted"), ("scanned.pdf", "text layer"),
     ("empty.txt", "empty"), ("contract.xyz", "unknown file type"), ("missing.pdf", "not found")],
)
def test_bad_input_is_one_line_naming_file_and_reason(capsys, bad_files, name, reason):
    code, out, err = run(capsys, "check", bad_files / name)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and reason in lines[0], err
    assert "Traceback" not in err and out == ""


def test_sample_a_with_profile_reports_the_backup_contradiction(capsys):
    code, out, _ = run(capsys, "check", SAMPLE_A / "agb.pdf", "--profile", SAMPLE_A / "profile.yaml", "-f", "json")
    assert code == 1  # high findings, default --fail-on high
    rep = json.loads(out)
    hits = [f for f in rep["findings"] if f["rule_id"] == "backup-duty-shifted" and f["clause"]["ref"] == "10.4"]
    assert hits and hits[0]["kind"] == "contradiction" and hits[0]["clause"]["page"] == 2
    assert any(fe["key"] == "export.available" and fe["value"] is False for fe in hits[0]["features"])


def test_sample_a_without_profile_asks_instead(capsys):
    code, out, _ = run(capsys, "check", SAMPLE_A / "agb.pdf", "-f", "json", "--fail-on", "never")
    assert code == 0
    rep = json.loads(out)
    hit = next(f for f in rep["findings"] if f["rule_id"] == "backup-duty-shifted" and f["clause"]["ref"] == "10.4")
    assert hit["kind"] == "clause"
    assert "export.available" in [u["key"] for u in hit["unknown_features"]]
    assert "Export" in hit["ask"] or "export" in hit["ask"]


def test_batch_writes_one_report_per_contract(capsys, tmp_path):
    files = sorted((ROOT / "samples").glob("*/agb.pdf"))
    code, _, err = run(capsys, "check", *files, "--profile", "auto", "-f", "md", "-o", tmp_path, "--fail-on", "never")
    assert code == 0
    assert len(list(tmp_path.glob("*.md"))) == len(files) >= 3


def test_bad_profile_key_is_named(capsys, tmp_path):
    prof = tmp_path / "p.yaml"
    prof.write_text("features:\n  backup.includd: false\n", encoding="utf-8")
    code, _, err = run(capsys, "check", SAMPLE_A / "agb.txt", "--profile", prof)
    assert code == 2 and "backup.includd" in err and "backup.included" in err


def test_runaway_pattern_is_stopped_and_named(capsys, tmp_path):
    root = tmp_path / "rules"
    root.mkdir()
    for name in ("legal.yaml", "features.yaml"):
        shutil.copy(rules_dir() / name, root / name)
    rule = yaml.safe_load((rules_dir() / "data" / "backup-duty-shifted.yaml").read_text(encoding="utf-8"))
    rule["id"] = "runaway"
    rule["match"] = {"de": {"regex": r"(?:(?:a|aa)+)+$"}, "en": {"regex": r"(?:(?:a|aa)+)+$"}}
    rule.pop("unless", None)
    (root / "runaway.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    contract = tmp_path / "c.txt"
    contract.write_text("Der Kunde ist verpflichtet. " + "a" * 60 + "!\n", encoding="utf-8")
    from tosaudit.api import audit_text
    from tosaudit.catalogue import load_catalogue

    report = audit_text(contract.read_text(encoding="utf-8"), catalogue=load_catalogue(root), lang="de", timeout=0.3)
    assert [p.rule_id for p in report.problems if p.kind == "rule-timeout"] == ["runaway"]
    code, out, _ = run(capsys, "check", contract, "--rules", root, "-f", "md", "--lang", "de")
    assert "runaway" in out  # named in the report's problems


def test_rules_commands(capsys):
    code, out, _ = run(capsys, "rules", "list", "--select", "data")
    assert code == 0 and "backup-duty-shifted" in out
    code, out, _ = run(capsys, "rules", "test", "--select", "backup-duty-shifted")
    assert code == 0 and "0 failed" in out
    code, _, err = run(capsys, "rules", "show", "no-such-rule")
    assert code == 2 and "unknown rule" in err


def test_console_script_runs():
    exe = shutil.which("tosaudit")
    cmd = [exe] if exe else [sys.executable, "-m", "tosaudit"]
    p = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "tosaudit" in p.stdout
