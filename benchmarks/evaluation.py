"""Measure the catalogue on every labelled development corpus and write the tables of
docs/EVALUATION.md (between the GENERATED markers; the prose around them is kept).

    python3 benchmarks/evaluation.py ../shared/eval            # print the tables
    python3 benchmarks/evaluation.py ../shared/eval --write docs/EVALUATION.md

Only figures and record ids are written, never corpus text (the corpora belong to third parties).
Each table is what `tosaudit eval` prints for the same file; the command is shown above it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tosaudit.catalogue import load_catalogue
from tosaudit.evaluate import EIGHT, evaluate

RUNS = [
    # (file, scheme, lang, target text, check)
    ("unfair_tos_en/clauses_original.validation.jsonl", "claudette", None,
     "macro-F1 ≥ 0.75, every category's precision ≥ 0.70",
     lambda r: r["macro_f1"] >= 0.75 and all(r["categories"][c]["precision"] >= 0.70 for c in EIGHT
                                             if r["categories"][c]["support"])),
    ("unfair_tos_en/clauses_original.train.jsonl", "claudette", None, "(tuning data)", None),
    ("unfair_tos_en/sentences_lexglue.validation.jsonl", "claudette", None, "macro-F1 ≥ 0.70",
     lambda r: r["macro_f1"] >= 0.70),
    ("claudette_de/sentences.dev.jsonl", "claudette", "de", "macro-F1 ≥ 0.70; fair clauses flagged ≤ 10 %",
     lambda r: r["macro_f1"] >= 0.70 and r.get("fair_flagged", {}).get("share", 0) <= 0.10),
    ("agb_de/clauses.train.jsonl", "void", None, "F1 on void ≥ 0.45", lambda r: r["categories"]["void"]["f1"] >= 0.45),
]

BEGIN = "<!-- GENERATED: benchmarks/evaluation.py -->"
END = "<!-- END GENERATED -->"


def table(res: dict) -> list[str]:
    out = ["| category | precision | recall | F1 | support | predicted |", "|---|---:|---:|---:|---:|---:|"]
    for c, m in res["categories"].items():
        if not m["support"] and not m["predicted"]:
            continue
        note = "" if c in res["averaged_over"] else " (not averaged)"
        out.append(f"| {c}{note} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} | "
                   f"{m['predicted']} |")
    return out


def rules_table(res: dict, limit: int = 200) -> list[str]:
    out = ["| rule | true positives | false positives | precision |", "|---|---:|---:|---:|"]
    items = sorted(res["rules"].items(), key=lambda kv: (-(kv[1]["tp"] + kv[1]["fp"]), kv[0]))
    for rid, e in items[:limit]:
        out.append(f"| `{rid}` | {e['tp']} | {e['fp']} | {e['precision']:.3f} |")
    return out


def run(eval_dir: Path) -> str:
    cat = load_catalogue()
    lines = [BEGIN, "", f"Catalogue `{cat.version}` ({len(cat.rules)} rules).", ""]
    summary = ["| data | measure | target | reached | met |", "|---|---|---|---|---|"]
    details: list[str] = []
    for rel, scheme, lang, target, check in RUNS:
        path = eval_dir / rel
        if not path.is_file():
            print(f"skipping missing {path}", file=sys.stderr)
            continue
        res = evaluate(path, scheme, lang, cat)
        cmd = f"tosaudit eval ../shared/eval/{rel} --scheme {scheme}" + (f" --lang {lang}" if lang else "") + " --by-rule"
        if scheme == "void":
            reached = f"F1 {res['categories']['void']['f1']:.3f} (P {res['categories']['void']['precision']:.3f}, " \
                      f"R {res['categories']['void']['recall']:.3f})"
        else:
            reached = f"macro-F1 {res['macro_f1']:.3f}, micro-F1 {res['micro_f1']:.3f}"
            if res.get("fair_flagged"):
                ff = res["fair_flagged"]
                reached += f"; fair flagged {ff['flagged']}/{ff['fair']} = {ff['share']:.1%}"
        met = "–" if check is None else ("yes" if check(res) else "**no**")
        summary.append(f"| `{rel}` | {scheme} | {target} | {reached} | {met} |")
        details += [f"### `{rel}`", "", "```sh", cmd, "```", "",
                    f"{res['records']} records, {res['seconds']} s. " + reached + ".", ""]
        details += table(res) + [""]
        if res.get("fair_flagged"):
            ff = res["fair_flagged"]
            details.append("Fair (level-1) clauses flagged by a rule of their own category: " + ", ".join(
                f"{c} {v['flagged']}/{v['fair']}" for c, v in ff["categories"].items()) + ".")
            details.append("")
        details += ["<details><summary>per rule</summary>", ""] + rules_table(res) + ["", "</details>", ""]
    lines += ["## Summary", ""] + summary + ["", "## Per data set, per category and per rule", ""] + details + [END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("eval_dir", type=Path)
    ap.add_argument("--write", type=Path, help="update the generated part of this Markdown file")
    args = ap.parse_args(argv)
    text = run(args.eval_dir)
    if not args.write:
        sys.stdout.write(text)
        return 0
    old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + text.rstrip("\n") + old[old.index(END) + len(END):]
    else:
        new = old + ("\n" if old else "") + text
    args.write.write_text(new, encoding="utf-8")
    print(f"wrote {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
