"""PDF ingest speed and memory, alone and end to end (ingest + segment + audit).

    python3 benchmarks/bench_pdf.py            # all cases, prints a table
    python3 benchmarks/bench_pdf.py --quick    # fewer repeats
    python3 benchmarks/bench_pdf.py --json out.json

Builds two PDFs from generated German AGB-like text (tests/pdfs.py: "§ N" headings,
"(1)" subclauses, "a)" lists, soft-hyphenated compounds, running header, footer and
"Seite N von M"):

* agb-30:  30 pages, one column;
* agb-150: 150 pages, every third page in two columns, written in *row order*
  (left line 1, right line 1, ...), the worst content order for an extractor.

Every measurement runs in a fresh subprocess, so that peak RSS (``ru_maxrss``,
not tracemalloc) belongs to that one case.  Times are the median of the repeats
after one warm-up run; imports and loading the rule catalogue are reported
separately (they are paid once per process, e.g. once per Streamlit session).
Wall time depends on what else runs on the machine; CPU time (``process_time``,
the code is single-threaded) does not, so both are printed, with the 1-minute
load average before each case.
"Intact" is the share of generated paragraphs that come out as exactly one line
of Document.text, in order: the check that two-column pages are read column by
column and that nothing is glued or split.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CASES = {
    "agb-30": dict(pages=30, two_every=0, interleave=False),
    "agb-150": dict(pages=150, two_every=3, interleave=True),
}
MODES = ["ingest", "full", "pdfplumber-ingest", "raw-pypdfium2", "raw-pdfplumber"]


def build(dirpath: Path) -> dict[str, Path]:
    import pdfs

    out = {}
    for name, spec in CASES.items():
        every = spec["two_every"]
        kind = (lambda n, e=every: "two" if e and n % e == 0 else "one")
        data, layout = pdfs.agb_pdf(spec["pages"], page_kind=kind, interleave=spec["interleave"])
        pdf = dirpath / f"{name}.pdf"
        pdf.write_bytes(data)
        (dirpath / f"{name}.blocks.json").write_text(json.dumps(layout.blocks, ensure_ascii=False))
        out[name] = pdf
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ----------------------------------------------------------------------------- one case (child process)


def run_case(mode: str, pdf: Path, repeats: int) -> dict:
    t0 = time.perf_counter()
    import tosaudit.ingest  # noqa: F401
    from tosaudit.ingest import load_path
    from tosaudit.ingest.pdf import read_pdf

    res: dict = {"mode": mode, "file": pdf.name, "size_kb": round(pdf.stat().st_size / 1024)}
    audit = None
    cat = None
    if mode == "full":
        try:
            from tosaudit.audit import audit_document
            from tosaudit.catalogue import load_catalogue
            from tosaudit.segment import segment

            t = time.perf_counter()
            cat = load_catalogue()
            res["catalogue_load_s"] = round(time.perf_counter() - t, 3)
            res["rules"] = len(cat.rules)
            audit = audit_document
        except ImportError as e:
            return {**res, "skipped": f"audit not importable: {e}"}
    res["import_s"] = round(time.perf_counter() - t0 - res.get("catalogue_load_s", 0), 3)
    res["rss_after_import_mb"] = round(rss_mb(), 1)
    data = pdf.read_bytes()

    def once() -> tuple[float, dict]:
        info: dict = {}
        c0 = time.process_time()
        t = time.perf_counter()
        if mode in ("ingest", "full"):
            doc = load_path(pdf)
            info["pages"] = len(doc.pages)
            info["text"] = doc.text
            if mode == "full":
                t1 = time.perf_counter()
                clauses = segment(doc)
                t2 = time.perf_counter()
                try:
                    report = audit(doc, cat, clauses=clauses)
                except TypeError:
                    report = audit(doc)
                t3 = time.perf_counter()
                info.update(ingest_s=t1 - t, segment_s=t2 - t1, audit_s=t3 - t2,
                            clauses=len(clauses), findings=len(report.findings))
        elif mode == "pdfplumber-ingest":
            text, spans, _problems, _ex, n = read_pdf(data, pdf.name, engine="pdfplumber")
            info["pages"], info["text"] = n, text
        elif mode == "raw-pypdfium2":
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(data)
            n = len(doc)
            for i in range(n):
                page = doc[i]
                tp = page.get_textpage()
                tp.get_text_range()
                tp.close()
                page.close()
            doc.close()
            info["pages"] = n
        elif mode == "raw-pdfplumber":
            import io

            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as doc:
                n = len(doc.pages)
                for page in doc.pages:
                    page.extract_text()
                    page.close()
            info["pages"] = n
        info["cpu_s"] = time.process_time() - c0
        return time.perf_counter() - t, info

    once()  # warm-up (lazy imports, caches)
    runs = [once() for _ in range(repeats)]
    secs = [r[0] for r in runs]
    info = runs[-1][1]
    med = statistics.median(secs)
    cpu = statistics.median(r[1]["cpu_s"] for r in runs)
    res.update(pages=info["pages"], seconds=round(med, 3), pages_per_s=round(info["pages"] / med, 1),
               cpu_s=round(cpu, 3), pages_per_cpu_s=round(info["pages"] / cpu, 1),
               runs=[round(s, 3) for s in secs])
    for k in ("ingest_s", "segment_s", "audit_s"):
        if k in info:
            res[k] = round(info[k], 3)
    for k in ("clauses", "findings"):
        if k in info:
            res[k] = info[k]
    res["peak_rss_mb"] = round(rss_mb(), 1)  # before the check below imports fpdf2 and PIL
    if "text" in info:
        blocks = json.loads(pdf.with_suffix("").with_suffix(".blocks.json").read_text())
        import pdfs

        share, misses = pdfs.intact_share(info["text"], blocks)
        res["intact"] = round(share, 4)
        res["blocks"] = len(blocks)
        if misses:
            res["first_miss"] = misses[0][:120]
    return res


# ----------------------------------------------------------------------------- driver


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 repeat instead of 3 (pdfplumber modes always run once)")
    ap.add_argument("--json", help="write all results to this file")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PDF"), help=argparse.SUPPRESS)
    ap.add_argument("--build", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    repeats = 1 if args.quick else args.repeats
    if args.child:
        print(json.dumps(run_case(args.child[0], Path(args.child[1]), repeats)))
        return
    if args.build:
        import pdfplumber
        import pypdfium2

        files = build(Path(args.build))
        print(json.dumps({"files": {k: str(v) for k, v in files.items()},
                          "versions": f"pypdfium2 {pypdfium2.version.PYPDFIUM_INFO}, "
                                      f"pdfplumber {pdfplumber.__version__}"}))
        return

    # The driver stays small and builds the PDFs in a subprocess: Linux keeps ru_maxrss across
    # fork+exec, so a big driver would inflate every child's peak RSS.
    results = []
    with tempfile.TemporaryDirectory(prefix="tosaudit-bench-") as tmp:
        p = subprocess.run([sys.executable, __file__, "--build", tmp], capture_output=True, text=True,
                           cwd=ROOT, check=True)
        built = json.loads(p.stdout.strip().splitlines()[-1])
        files = {k: Path(v) for k, v in built["files"].items()}
        print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}, "
              f"{built['versions']}, load average {os.getloadavg()[0]:.1f}, driver RSS {rss_mb():.0f} MB")
        for mode in args.modes.split(","):
            for name, pdf in files.items():
                reps = 1 if mode in ("pdfplumber-ingest", "raw-pdfplumber") else repeats  # slow
                cmd = [sys.executable, __file__, "--child", mode, str(pdf), "--repeats", str(reps)]
                load_before = os.getloadavg()[0]
                p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
                if p.returncode != 0:
                    results.append({"mode": mode, "file": pdf.name, "error": p.stderr.strip()[-300:]})
                else:
                    results.append(json.loads(p.stdout.strip().splitlines()[-1]))
                results[-1]["loadavg_1min_before"] = round(load_before, 2)
                _print(results[-1])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


def _print(r: dict) -> None:
    if "error" in r or "skipped" in r:
        print(f"{r['mode']:18} {r['file']:13} {r.get('error') or r.get('skipped')}")
        return
    line = (f"{r['mode']:18} {r['file']:13} {r['pages']:4d} pages  wall {r['seconds']:7.3f} s "
            f"{r['pages_per_s']:7.1f} pages/s  CPU {r['cpu_s']:7.3f} s {r['pages_per_cpu_s']:7.1f} pages/s  "
            f"peak RSS {r['peak_rss_mb']:5.1f} MB (after imports {r['rss_after_import_mb']:.0f})")
    line += f"  (load {r['loadavg_1min_before']:.1f})"
    if "intact" in r:
        line += f"  intact {r['intact'] * 100:.1f}% of {r['blocks']}"
    if "audit_s" in r:
        line += (f"\n{'':18} {'':13} ingest {r['ingest_s']:.3f} s, segment {r['segment_s']:.3f} s, "
                 f"audit {r['audit_s']:.3f} s ({r['clauses']} clauses, {r['findings']} findings); "
                 f"catalogue load {r['catalogue_load_s']:.3f} s, {r['rules']} rules")
    print(line)


if __name__ == "__main__":
    main()
