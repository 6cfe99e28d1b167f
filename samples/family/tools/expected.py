"""Show (or rewrite) the high-severity findings of the family samples against their expected.yaml.

    python3 samples/family/tools/expected.py            # every plan: what differs from expected.yaml
    python3 samples/family/tools/expected.py pro --write # rewrite pro/expected.yaml (review the diff!)

The test (tests/test_family_samples.py) asserts that the high findings equal the `high` list;
when a rule of the catalogue changes, run this, check each difference by reading the clause,
and update the list (or record a wrong miss under `known_misses`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tosaudit.api import audit_source

ROOT = Path(__file__).resolve().parent.parent


def current(plan: str) -> tuple[dict, list[dict]]:
    d = ROOT / plan
    exp = yaml.safe_load((d / "expected.yaml").read_text(encoding="utf-8")) if (d / "expected.yaml").exists() else {}
    contract = exp.get("contract") or ("agb.txt" if (d / "agb.txt").exists() else "terms.txt")
    page = exp.get("product_page") or "product-page.html"
    r = audit_source(d / contract, product_page=d / page, sector=exp.get("sector"))
    items = []
    for f in r.findings:
        if f.severity != "high":
            continue
        it = {"rule": f.rule_id, "kind": f.kind, "clause": f.clause.ref}
        if f.other_clause:
            it["other_clause"] = f.other_clause.ref
        items.append(it)
    exp.setdefault("plan", r.profile.plan if r.profile else plan)
    exp.setdefault("contract", contract)
    exp.setdefault("product_page", page)
    return exp, items


def key(i: dict) -> tuple:
    return (i["rule"], i["kind"], i["clause"], i.get("other_clause"))


def write(plan: str, exp: dict, items: list[dict]) -> None:
    sector = f" --sector {exp['sector']}" if exp.get("sector") else ""
    lines = [f"# Expected findings for `tosaudit check {exp['contract']} --product-page {exp['product_page']}{sector}` "
             f"(plan {plan}).",
             "# `high` lists EVERY high-severity finding (tests/test_family_samples.py asserts set equality);",
             "# rules by other authors that fire on this sample are listed too. When the catalogue changes,",
             "# review the difference (samples/family/tools/expected.py) and update this list.",
             f"plan: {exp['plan']}", f"contract: {exp['contract']}", f"product_page: {exp['product_page']}"]
    if exp.get("sector"):
        lines.append(f"sector: {exp['sector']}")
    lines.append("high:")
    for it in items:
        lines.append("  - " + yaml.safe_dump(it, default_flow_style=True, allow_unicode=True, sort_keys=False,
                                             width=1000).strip())
    if exp.get("known_misses"):
        lines.append("known_misses:")
        for it in exp["known_misses"]:
            lines.append("  - " + yaml.safe_dump(it, default_flow_style=True, allow_unicode=True, sort_keys=False,
                                                 width=1000).strip())
    (ROOT / plan / "expected.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    plans = [a for a in argv if not a.startswith("-")] or sorted(
        p.name for p in ROOT.iterdir() if (p / "product-page.html").is_file())
    status = 0
    for plan in plans:
        exp, items = current(plan)
        want = {key(i) for i in exp.get("high") or []}
        got = {key(i) for i in items}
        for k in sorted(got - want):
            print(f"{plan}: new high finding  {k}")
            status = 1
        for k in sorted(want - got):
            print(f"{plan}: expected, not found {k}")
            status = 1
        if "--write" in argv:
            write(plan, exp, items)
            print(f"{plan}: wrote expected.yaml")
    if status == 0:
        print("all samples match expected.yaml")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
