"""The sector of a product (rules/sectors.yaml): rules written only for other sectors are not run,
and the report says which ones. Without a sector every rule runs, as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import edit_yaml
from tosaudit.api import audit_text
from tosaudit.catalogue import load_catalogue
from tosaudit.catalogue.lint import lint
from tosaudit.cli import main
from tosaudit.errors import CatalogueError, ProfileError, SectorError
from tosaudit.features import build_profile, load_profile, merge_profiles
from tosaudit.models import Profile
from tosaudit.report import render

ROOT = Path(__file__).resolve().parent.parent
CAT = load_catalogue()

# one clause for hosting (backup duty), one for shops only (warranty), one for telecom only (speed)
CONTRACT = (
    "Allgemeine Geschäftsbedingungen\n"
    "§ 1 Datensicherung\n"
    "1.1 Der Kunde ist verpflichtet, regelmäßig eine vollständige Datensicherung seiner Website vorzunehmen.\n"
    "§ 2 Gewährleistung\n"
    "2.1 Die Gewährleistungsfrist für unsere Produkte endet zwölf Monate nach der Zustellung.\n"
    "§ 3 Bandbreite\n"
    "3.1 Die angegebene Bandbreite von bis zu 250 Mbit/s ist ein Höchstwert; ein Anspruch auf eine bestimmte "
    "Geschwindigkeit besteht nicht.\n"
)


def ids(report) -> set[str]:
    return {f.rule_id for f in report.findings}


# ----------------------------------------------------------------------------- the vocabulary


def test_vocabulary_holds_every_applies_to_value():
    assert list(CAT.sectors) == ["hosting", "cloud", "email", "telecom", "platform", "shop"]
    used = {s for r in CAT.rules for s in r.applies_to}
    assert used and used <= set(CAT.sectors)
    for sd in CAT.sectors.values():
        assert sd.label.de and sd.label.en and sd.description.de and sd.description.en


def test_lint_rejects_an_unknown_sector_naming_file_and_key(scratch: Path):
    f = scratch / "data" / "backup-duty-shifted.yaml"
    assert lint(load_catalogue(scratch)) == []
    edit_yaml(f, lambda d: d.__setitem__("applies_to", ["hosting", "webhosting", "hosting"]))
    problems = lint(load_catalogue(scratch))
    assert any(p.startswith(str(f)) and "applies_to[1]: unknown sector 'webhosting'" in p
               and "rules/sectors.yaml" in p for p in problems), problems
    assert any(p.startswith(str(f)) and "applies_to[2]: sector 'hosting' is listed twice" in p for p in problems)
    assert len(problems) == 2


def test_sectors_file_is_validated(scratch: Path):
    s = scratch / "sectors.yaml"
    edit_yaml(s, lambda d: d["sectors"].append(dict(d["sectors"][0])))
    with pytest.raises(CatalogueError) as e:
        load_catalogue(scratch)
    assert any(str(s) in p and "duplicate id 'hosting'" in p for p in e.value.problems)
    edit_yaml(s, lambda d: d.__setitem__("sectors", [{**d["sectors"][0], "id": "all"}]))
    with pytest.raises(CatalogueError, match="reserved"):
        load_catalogue(scratch)
    edit_yaml(s, lambda d: d["sectors"][0].pop("description"))
    with pytest.raises(CatalogueError) as e:
        load_catalogue(scratch)
    assert any(str(s) in p and "description" in p for p in e.value.problems)


# ----------------------------------------------------------------------------- which rules run


def test_without_a_sector_every_rule_runs():
    r = audit_text(CONTRACT, catalogue=CAT)
    assert r.sector is None
    assert {"backup-duty-shifted", "warranty-restricted", "speed-no-minimum"} <= ids(r)
    assert r.catalogue.selected == len(CAT.select(lang="de"))


def test_a_sector_leaves_out_rules_for_other_sectors_and_lists_them():
    r = audit_text(CONTRACT, catalogue=CAT, sector="hosting")
    assert "backup-duty-shifted" in ids(r)
    assert "warranty-restricted" not in ids(r) and "speed-no-minimum" not in ids(r)
    assert r.sector is not None and r.sector.id == "hosting" and r.sector.label == "Webhosting"
    want = sorted(x.id for x in CAT.select(lang="de") if x.applies_to and "hosting" not in x.applies_to)
    assert r.sector.skipped_rules == want and r.sector.skipped_count == len(want)
    assert {"warranty-restricted", "speed-no-minimum", "outage-compensation-excluded"} <= set(want)
    assert r.catalogue.selected == len(CAT.select(lang="de")) - len(want)
    r = audit_text(CONTRACT, catalogue=CAT, sector="shop")
    assert "warranty-restricted" in ids(r) and "backup-duty-shifted" not in ids(r)
    assert "backup-duty-shifted" in r.sector.skipped_rules


def test_only_rules_that_would_have_run_are_listed():
    r = audit_text(CONTRACT, catalogue=CAT, sector="telecom", select=["data"])
    assert r.sector.skipped_rules and all(CAT.by_id[x].category == "data" for x in r.sector.skipped_rules)
    r = audit_text(CONTRACT, catalogue=CAT, sector="telecom", select=["speed-no-minimum"])
    assert r.sector.skipped_rules == [] and r.sector.skipped_count == 0 and ids(r) == {"speed-no-minimum"}


def test_option_overrides_the_profile_and_all_runs_every_rule():
    prof = Profile(sector="shop")
    r = audit_text(CONTRACT, prof, catalogue=CAT)
    assert r.sector.id == "shop" and "backup-duty-shifted" not in ids(r)
    r = audit_text(CONTRACT, prof, catalogue=CAT, sector="hosting")
    assert r.sector.id == "hosting" and "backup-duty-shifted" in ids(r) and "warranty-restricted" not in ids(r)
    r = audit_text(CONTRACT, prof, catalogue=CAT, sector="all")
    assert r.sector is None and {"backup-duty-shifted", "warranty-restricted"} <= ids(r)


def test_unknown_sector_is_an_error_listing_the_ids():
    with pytest.raises(SectorError, match=r"unknown sector 'webhosting' \(did you mean 'hosting'\?\); "
                                          r"use one of: hosting, cloud, email, telecom, platform, shop, all"):
        audit_text(CONTRACT, catalogue=CAT, sector="webhosting")
    with pytest.raises(SectorError, match="profile"):
        audit_text(CONTRACT, Profile(sector="gas"), catalogue=CAT)


def test_contradictions_and_conflicts_still_work_with_a_sector():
    text = ("§ 2 Verfügbarkeit\n(1) Der Anbieter gewährleistet eine Verfügbarkeit von 99 % im Jahresmittel.\n"
            "(2) Darüber hinaus übernimmt der Anbieter keine Gewähr für die ständige Verfügbarkeit der Server.\n")
    prof = Profile(sector="hosting")
    prof = merge_profiles(build_profile({"features": {"sla.uptime_pct": 99.9}}, CAT.features), prof)
    r = audit_text(text, prof, catalogue=CAT)
    assert r.sector.id == "hosting" and not r.sector.skipped_conflicts
    kinds = {(f.rule_id, f.kind) for f in r.findings}
    assert ("uptime-below-promise", "contradiction") in kinds
    assert ("availability-stated-vs-disclaimed", "conflict") in kinds
    # the uptime rule is not written for platforms: the conflict that builds on it cannot run and is named
    r = audit_text(text, prof, catalogue=CAT, sector="platform")
    assert "uptime-below-promise" in r.sector.skipped_rules
    assert {"availability-stated-vs-disclaimed", "availability-figure-conflict"} <= set(r.sector.skipped_conflicts)
    assert not [f for f in r.findings if f.kind == "conflict"]
    assert "availability-stated-vs-disclaimed" in render(r, "md")


# ----------------------------------------------------------------------------- the profile


def test_profile_states_the_sector(tmp_path: Path):
    p = build_profile({"plan": "Start", "sector": "Hosting", "features": {"backup.included": False}}, CAT.features,
                      sectors=CAT.sectors)
    assert p.sector == "hosting" and p.value("backup.included") is False
    assert build_profile({"sector": "unknown"}, CAT.features, sectors=CAT.sectors).sector is None
    assert build_profile({"features": {}}, CAT.features).sector is None
    # the old spelling, a feature key, is still read
    assert build_profile({"features": {"plan.sector": "cloud"}}, CAT.features, sectors=CAT.sectors).sector == "cloud"
    with pytest.raises(ProfileError, match="old spelling"):
        build_profile({"sector": "hosting", "features": {"plan.sector": "cloud"}}, CAT.features, sectors=CAT.sectors)
    f = tmp_path / "profile.yaml"
    f.write_text("plan: X\nsector: webhosting\nfeatures:\n  backup.included: false\n", encoding="utf-8")
    with pytest.raises(ProfileError) as e:
        load_profile(f, CAT.features, CAT.sectors)
    msg = str(e.value)
    assert msg.startswith(str(f)) and "unknown sector 'webhosting'" in msg and "hosting, cloud" in msg
    assert "\n" not in msg
    # a product page never states the sector; an explicit profile fills it in
    merged = merge_profiles(Profile(plan="page"), Profile(sector="email"))
    assert merged.sector == "email"


def test_bundled_sample_profiles_state_their_sector():
    for name, sector in (("homepage-builder", "hosting"), ("shared-hosting", "hosting"),
                         ("cloud-storage", "cloud"), ("versions", "hosting")):
        assert load_profile(ROOT / "samples" / name / "profile.yaml", CAT.features, CAT.sectors).sector == sector


# ----------------------------------------------------------------------------- the command line


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def contract(tmp_path: Path) -> Path:
    f = tmp_path / "agb.txt"
    f.write_text(CONTRACT, encoding="utf-8")
    return f


def test_cli_sector_option(capsys, contract: Path):
    code, out, err = run(capsys, "check", contract, "--sector", "hosting", "--fail-on", "never", "--no-color")
    assert code == 0, err
    n = sum(1 for x in CAT.select(lang="de") if not x.applies_to_sector("hosting"))
    assert f"Branche: Webhosting — {n} Regeln, die nur für andere Branchen geschrieben sind, wurden nicht " \
           "angewendet: " in " ".join(out.split())
    assert "warranty-restricted" in out and "Gewährleistung verkürzt" not in out
    code, out, err = run(capsys, "check", contract, "--sector", "hosting", "-f", "json")
    data = json.loads(out)
    assert data["sector"]["id"] == "hosting" and "speed-no-minimum" in data["sector"]["skipped_rules"]
    assert data["sector"]["skipped_count"] == len(data["sector"]["skipped_rules"])
    assert "speed-no-minimum" not in {f["rule_id"] for f in data["findings"]}
    code, out, err = run(capsys, "check", contract, "-f", "json")
    assert json.loads(out)["sector"] is None


def test_cli_unknown_sector_is_one_line_exit_2(capsys, contract: Path):
    code, out, err = run(capsys, "check", contract, "--sector", "webhosting")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "unknown sector 'webhosting'" in lines[0], err
    assert "hosting, cloud, email, telecom, platform, shop" in lines[0]
    for cmd in (["compare", contract], ["diff", contract, contract]):
        code, out, err = run(capsys, *cmd, "--sector", "gas")
        assert code == 2 and len(err.strip().splitlines()) == 1 and "unknown sector 'gas'" in err


def test_cli_profile_sector_and_override(capsys, contract: Path, tmp_path: Path):
    prof = tmp_path / "profile.yaml"
    prof.write_text("sector: shop\nfeatures: {}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", contract, "--profile", prof, "-f", "json")
    data = json.loads(out)
    assert data["sector"]["id"] == "shop" and data["profile"]["sector"] == "shop"
    assert "backup-duty-shifted" in data["sector"]["skipped_rules"]
    code, out, err = run(capsys, "check", contract, "--profile", prof, "--sector", "all", "-f", "json")
    data = json.loads(out)
    assert data["sector"] is None and "backup-duty-shifted" in {f["rule_id"] for f in data["findings"]}
    prof.write_text("sector: gas\nfeatures: {}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", contract, "--profile", prof)
    assert code == 2 and len(err.strip().splitlines()) == 1 and str(prof) in err and "unknown sector 'gas'" in err


def test_cli_compare_and_diff_take_the_sector(capsys, contract: Path, tmp_path: Path):
    code, out, err = run(capsys, "compare", contract, "--sector", "telecom")
    assert code == 0, err
    assert "Branche: Telekommunikation" in out and "backup-duty-shifted" in out
    code, out, err = run(capsys, "compare", contract, "--sector", "telecom", "-f", "json")
    assert json.loads(out)["plans"][0]["sector"]["id"] == "telecom"
    new = tmp_path / "agb-neu.txt"
    new.write_text(CONTRACT.replace("zwölf Monate", "sechs Monate"), encoding="utf-8")
    code, out, err = run(capsys, "diff", contract, new, "--sector", "hosting", "-f", "json", "--all")
    assert code == 0, err
    rules = {(c.get("new") or c.get("old"))["rule_id"] for c in json.loads(out)["findings"]}
    assert "backup-duty-shifted" in rules and "warranty-restricted" not in rules


def test_cli_help_lists_the_sectors(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "--sector ID" in out and "hosting, cloud, email, telecom, platform" in " ".join(out.split())
