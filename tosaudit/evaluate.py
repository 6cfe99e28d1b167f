"""Measure the catalogue on labelled JSONL corpora (precision, recall, F1 per category and rule).

    tosaudit eval DATA.jsonl --scheme claudette [--lang de|en] [--json OUT.json] [--by-rule]
    tosaudit eval DATA.jsonl --scheme void [--json OUT.json]

Input records: ``{"id", "text", "labels": [...], "lang"}`` (optionally ``levels``: {category: 1|2|3}).

* ``claudette``: a record is predicted positive for a category when a rule carrying that
  UNFAIR-ToS category fires on its text. Macro-F1 is over the eight categories with support
  (PINC is reported but not averaged, as in the published figures); micro-F1 leaves out the
  "none" class. With ``levels``, the share of *fair* (level-1) clauses that a rule of that
  category flags is reported as ``fair_flagged``.
* ``void``: a record is predicted void when a finding of severity ``high`` fires.

Each record is audited as one clause of a synthetic document (records joined by blank lines),
so the whole corpus runs through the same matcher as a real contract, in one pass.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from tosaudit.catalogue import Catalogue, load_catalogue
from tosaudit.errors import InputError
from tosaudit.models import CLAUDETTE, Clause, Document, SourceInfo

EIGHT = ("A", "CH", "CR", "J", "LAW", "LTD", "TER", "USE")
BATCH = 2000


@dataclass
class Record:
    id: str
    text: str
    labels: list[str]
    lang: str
    levels: dict[str, int] = field(default_factory=dict)


def load_records(path: str | Path, lang: str | None = None) -> list[Record]:
    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), "evaluation data not found")
    out: list[Record] = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
                rec = Record(
                    id=str(d["id"]),
                    text=str(d["text"]),
                    labels=[str(x) for x in d.get("labels", [])],
                    lang=str(d.get("lang") or "en"),
                    levels={str(k): int(v) for k, v in (d.get("levels") or {}).items()},
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(str(p), f"line {n} is not a record with id, text, labels ({exc})") from None
            if rec.lang not in ("de", "en"):
                continue
            if lang is None or rec.lang == lang:
                out.append(rec)
    return out


def predict(
    records: Sequence[Record],
    catalogue: Catalogue,
    progress: bool = False,
) -> list[list[tuple[str, list[str], str]]]:
    """For each record: the (rule id, claudette categories, severity) of every finding."""
    from tosaudit.audit import audit_document
    from tosaudit.segment import split_sentences

    result: list[list[tuple[str, list[str], str]]] = [[] for _ in records]
    by_lang: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_lang.setdefault(r.lang, []).append(i)
    done = 0
    t0 = time.perf_counter()
    for lang, idxs in sorted(by_lang.items()):
        for b in range(0, len(idxs), BATCH):
            chunk = idxs[b : b + BATCH]
            parts: list[str] = []
            clauses: list[Clause] = []
            pos = 0
            for k, i in enumerate(chunk):
                t = " ".join(records[i].text.split())  # one record, one line
                start = pos
                end = start + len(t)
                clauses.append(Clause(index=k, number=None, ref=None, start=start, end=end,
                                      sentences=split_sentences(t, 0, len(t), lang=lang)))
                parts.append(t)
                pos = end + 2
            text = "\n\n".join(parts)
            # shift sentence offsets from record-relative to document-relative
            for c in clauses:
                c.sentences = [s.model_copy(update={"start": s.start + c.start, "end": s.end + c.start})
                               for s in c.sentences]
            doc = Document(
                source=SourceInfo(name="eval", kind="pasted", sha256="-", size=len(text), extractor="eval"),
                text=text,
            )
            report = audit_document(doc, catalogue, lang=lang, clauses=clauses)
            for f in report.findings:
                result[chunk[f.clause.index]].append((f.rule_id, list(f.claudette), f.severity))
            done += len(chunk)
            if progress:
                rate = done / max(time.perf_counter() - t0, 1e-9)
                print(f"\r  {done}/{len(records)} records ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return result


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(
    records: Sequence[Record],
    preds: Sequence[list[tuple[str, list[str], str]]],
    scheme: str,
) -> dict:
    if scheme == "claudette":
        cats = [c for c in CLAUDETTE if any(c in r.labels for r in records) or c in EIGHT]
        gold = [set(r.labels) & set(CLAUDETTE) for r in records]
        pred = [{c for _, cl, _ in p for c in cl} for p in preds]
    elif scheme == "void":
        cats = ["void"]
        gold = [{"void"} & set(r.labels) for r in records]
        pred = [{"void"} if any(sev == "high" for _, _, sev in p) else set() for p in preds]
    else:
        raise ValueError(f"unknown scheme {scheme!r} (claudette or void)")

    categories: dict[str, dict] = {}
    TP = FP = FN = 0
    for c in cats:
        tp = sum(c in g and c in p for g, p in zip(gold, pred))
        fp = sum(c not in g and c in p for g, p in zip(gold, pred))
        fn = sum(c in g and c not in p for g, p in zip(gold, pred))
        P, R, F = _prf(tp, fp, fn)
        categories[c] = {"precision": round(P, 4), "recall": round(R, 4), "f1": round(F, 4),
                         "support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn}
        if scheme == "void" or c in EIGHT:
            TP, FP, FN = TP + tp, FP + fp, FN + fn
    averaged = [c for c in cats if (scheme == "void" or c in EIGHT) and categories[c]["support"] > 0]
    macro = sum(categories[c]["f1"] for c in averaged) / len(averaged) if averaged else 0.0
    micro = _prf(TP, FP, FN)[2]

    rules: dict[str, dict] = {}
    for r, g, p in zip(records, gold, preds):
        for rid, cl, sev in {(a, tuple(b), s) for a, b, s in p}:
            if scheme == "void" and sev != "high":
                continue
            if scheme == "claudette" and not cl:
                continue
            hit = bool(g & set(cl)) if scheme == "claudette" else bool(g)
            e = rules.setdefault(rid, {"tp": 0, "fp": 0})
            e["tp" if hit else "fp"] += 1
    for e in rules.values():
        e["precision"] = round(e["tp"] / (e["tp"] + e["fp"]), 4) if e["tp"] + e["fp"] else 0.0

    out = {
        "scheme": scheme,
        "records": len(records),
        "macro_f1": round(macro, 4),
        "micro_f1": round(micro, 4),
        "averaged_over": averaged,
        "categories": categories,
        "rules": dict(sorted(rules.items())),
    }
    if scheme == "claudette" and any(r.levels for r in records):
        fair: dict[str, dict] = {}
        n_all = n_flag = 0
        for c in EIGHT:
            idx = [i for i, r in enumerate(records) if r.levels.get(c) == 1 and c not in r.labels]
            flagged = sum(c in pred[i] for i in idx)
            if idx:
                fair[c] = {"fair": len(idx), "flagged": flagged, "share": round(flagged / len(idx), 4)}
            n_all += len(idx)
            n_flag += flagged
        out["fair_flagged"] = {"categories": fair, "fair": n_all, "flagged": n_flag,
                               "share": round(n_flag / n_all, 4) if n_all else 0.0}
    return out


def evaluate(path: str | Path, scheme: str, lang: str | None = None, catalogue: Catalogue | None = None,
             progress: bool = False) -> dict:
    cat = catalogue or load_catalogue()
    records = load_records(path, lang)
    if not records:
        raise InputError(str(path), "no records" + (f" in language {lang}" if lang else ""))
    t0 = time.perf_counter()
    preds = predict(records, cat, progress=progress)
    res = score(records, preds, scheme)
    res["data"] = str(path)
    res["lang"] = lang
    res["catalogue"] = cat.version
    res["seconds"] = round(time.perf_counter() - t0, 2)
    return res


def format_table(res: dict, by_rule: bool = False) -> str:
    lines = [f"{res['data']}  scheme={res['scheme']}  records={res['records']}  "
             f"catalogue={res['catalogue']}  ({res['seconds']} s)", ""]
    lines.append(f"{'category':10} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8} {'predicted':>9}")
    for c, m in res["categories"].items():
        mark = "" if c in res["averaged_over"] else "  (not averaged)"
        lines.append(f"{c:10} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} {m['support']:8d} "
                     f"{m['predicted']:9d}{mark}")
    lines.append("")
    lines.append(f"macro-F1 {res['macro_f1']:.3f} over {len(res['averaged_over'])} categories;  "
                 f"micro-F1 (without 'none') {res['micro_f1']:.3f}")
    ff = res.get("fair_flagged")
    if ff:
        per = ", ".join(f"{c} {v['flagged']}/{v['fair']}" for c, v in ff["categories"].items())
        lines.append(f"fair (level-1) clauses flagged by a rule of their category: {ff['flagged']}/{ff['fair']} "
                     f"= {ff['share']:.1%}  ({per})")
    if by_rule:
        lines.append("")
        lines.append(f"{'rule':48} {'tp':>5} {'fp':>5} {'precision':>9}")
        for rid, e in sorted(res["rules"].items(), key=lambda kv: (-kv[1]["fp"], kv[0])):
            lines.append(f"{rid:48} {e['tp']:5d} {e['fp']:5d} {e['precision']:9.3f}")
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    cat = load_catalogue(args.rules)
    res = evaluate(args.data, args.scheme, args.lang, cat, progress=not args.quiet)
    print(format_table(res, args.by_rule))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def add_cli(sub) -> None:
    p = sub.add_parser("eval", help="measure the rules on labelled JSONL data",
                       description="Precision, recall and F1 per category (and per rule) on labelled JSONL.")
    p.add_argument("data", metavar="DATA.jsonl")
    p.add_argument("--scheme", choices=("claudette", "void"), required=True)
    p.add_argument("--lang", choices=("de", "en"), help="only records in this language")
    p.add_argument("--json", metavar="OUT.json", help="also write the figures as JSON (stable keys)")
    p.add_argument("--by-rule", action="store_true", help="true and false positives of each rule")
    p.add_argument("--rules", metavar="DIR", help="rule catalogue folder (default: the bundled one)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_eval)

