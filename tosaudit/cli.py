"""The ``tosaudit`` command.

Exit codes: 0 = no finding at or above ``--fail-on``; 1 = findings at or above it;
2 = usage or input error (unreadable file, bad profile, broken catalogue). Errors are one line
on stderr, naming the file and the reason; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import Callable, Sequence

from tosaudit import __version__
from tosaudit.errors import CatalogueError, InputError, ProfileError, TosauditError
from tosaudit.models import SEVERITY_ORDER

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "md", "json", "html")
SUFFIX = {"text": "txt", "md": "md", "json": "json", "html": "html"}

#: modules that add their own sub-commands: each has ``add_cli(subparsers)`` that registers a
#: parser whose ``func(args) -> int`` runs it
EXTENSIONS: list[str] = ["tosaudit.evaluate", "tosaudit.product_page", "tosaudit.compare"]


class UsageError(TosauditError):
    pass


def _split(values: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x for x in v.split(",") if x.strip())
    return out


def err(msg: str) -> None:
    print(f"tosaudit: error: {msg}", file=sys.stderr)


# ---------------------------------------------------------------------------- check


@functools.lru_cache(maxsize=1)
def _sector_ids() -> str:
    """The bundled sector ids for --help ("hosting, cloud, ..."), read from rules/sectors.yaml alone
    (once per process, with the catalogue's YAML loader: three sub-commands show it)."""
    try:
        import yaml

        from tosaudit.catalogue import _LOADER, rules_dir

        data = yaml.load((rules_dir() / "sectors.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
        return ", ".join(str(s["id"]) for s in data["sectors"])
    except Exception:  # the help text must never fail; the option checks the id itself
        return "see rules/sectors.yaml"


def add_sector_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sector", metavar="ID",
                   help=f"what kind of product the contract is for ({_sector_ids()}); rules written only for "
                        "other sectors are not run and are listed in the report. Overrides the profile's "
                        "`sector`; 'all' runs every rule (the default when no sector is stated)")


def check_sector_option(cat, args: argparse.Namespace) -> str | None:
    """The --sector value, checked against the catalogue (SectorError: one line, exit 2)."""
    s = getattr(args, "sector", None)
    return cat.check_sector(s, "--sector") if s is not None else None


def add_audit_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that audits a contract."""
    p.add_argument("--lang", choices=("de", "en"), help="language of the contract (default: detected)")
    p.add_argument("--report-lang", choices=("de", "en"), help="language of the report (default: the contract's)")
    p.add_argument("--select", action="append", metavar="RULES",
                   help="only these rules: ids, categories, UNFAIR-ToS codes or severities, comma-separated")
    p.add_argument("--ignore", action="append", metavar="RULES", help="leave these rules out (same forms as --select)")
    p.add_argument("--min-severity", choices=tuple(SEVERITY_ORDER), help="report only findings at or above this")
    add_sector_option(p)
    p.add_argument("--rules", metavar="DIR", help="use this rule catalogue folder instead of the bundled one")


def _profile_for(spec: str | None, contract: Path, cat) -> object | None:
    from tosaudit.features import load_profile

    if spec is None:
        return None
    if spec == "auto":
        for name in ("profile.yaml", "profile.yml", "profile.json"):
            cand = contract.parent / name
            if cand.is_file():
                return load_profile(cand, cat.features, cat.sectors)
        return None
    return load_profile(spec, cat.features, cat.sectors)


def cmd_check(args: argparse.Namespace) -> int:
    from tosaudit.api import audit_source
    from tosaudit.catalogue import load_catalogue
    from tosaudit.report import render

    cat = load_catalogue(args.rules)
    sector = check_sector_option(cat, args)
    fmt = args.format
    out_dir: Path | None = None
    if args.output and (len(args.files) > 1 or Path(args.output).is_dir()):
        out_dir = Path(args.output)
        out_dir.mkdir(parents=True, exist_ok=True)
    rendered: list[str] = []
    json_parts: list[str] = []
    worst = -1
    failed = False
    for name in args.files:
        try:
            profile = _profile_for(args.profile, Path(name), cat)
            report = audit_source(
                name,
                catalogue=cat,
                profile=profile,
                product_page=args.product_page,
                lang=args.lang,
                report_lang=args.report_lang,
                select=_split(args.select),
                ignore=_split(args.ignore),
                min_severity=args.min_severity,
                sector=sector,
            )
        except (InputError, ProfileError) as exc:
            err(str(exc))
            failed = True
            continue
        for f in report.findings:
            worst = max(worst, SEVERITY_ORDER[f.severity])
        if out_dir is not None:
            stem = Path(name).stem if Path(name).parent.name in ("", ".") else f"{Path(name).parent.name}-{Path(name).stem}"
            target = out_dir / f"{stem}.{SUFFIX[fmt]}"
            target.write_text(render(report, fmt, color=False), encoding="utf-8")
            print(f"{name}: {len(report.findings)} findings -> {target}", file=sys.stderr)
        elif fmt == "json":
            json_parts.append(render(report, "json"))
        else:
            use_color = None if (args.output is None and not args.no_color) else False
            rendered.append(render(report, fmt, color=use_color))
    if out_dir is None:
        if fmt == "json":
            text = json_parts[0] if len(json_parts) == 1 else "[\n" + ",\n".join(json_parts) + "\n]"
        else:
            text = "\n\n".join(rendered)
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        elif text:
            sys.stdout.write(text + "\n")
    if failed:
        return EXIT_ERROR
    if args.fail_on != "never" and worst >= SEVERITY_ORDER[args.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK


# ---------------------------------------------------------------------------- rules


def cmd_rules(args: argparse.Namespace) -> int:
    from tosaudit.catalogue import load_catalogue

    cat = load_catalogue(args.rules)
    if args.action == "list":
        rules = cat.select(_split(args.select), _split(args.ignore), lang=args.lang)
        for r in rules:
            cl = ",".join(r.claudette) or "-"
            print(f"{r.id:45} {r.category:13} {r.severity:8} {'/'.join(r.langs):6} {cl:8} {r.title.en}")
        print(f"{len(rules)} of {len(cat.rules)} rules", file=sys.stderr)
        return EXIT_OK
    if args.action == "show":
        if not args.id or args.id not in cat.by_id:
            raise UsageError(f"unknown rule {args.id!r}; `tosaudit rules list` shows the ids")
        r = cat.by_id[args.id]
        print(Path(r.path).read_text(encoding="utf-8") if r.path else r.model_dump_json(indent=2))
        if cat.patterns is not None and cat.patterns.used_in(r.id):
            print(_shared_pieces(cat, r.id))
        return EXIT_OK
    if args.action == "lint":
        from tosaudit.catalogue.lint import lint

        problems = lint(cat)
        for p in problems:
            print(p)
        print(f"{len(cat.rules)} rules, {len(problems)} problems", file=sys.stderr)
        return EXIT_FINDINGS if problems else EXIT_OK
    if args.action == "test":
        from tosaudit.catalogue.examples import cases, run_case
        from tosaudit.catalogue.lint import lint

        problems = lint(cat)
        for p in problems:
            print(f"LINT  {p}")
        n_ok = n_bad = n_todo = 0
        wanted = set(_split(args.select))
        for case in cases(cat):
            if wanted and case.rule.id not in wanted:
                continue
            ok, why = run_case(case, cat)
            if case.kind.startswith("todo"):
                if ok:
                    n_todo += 1
                    continue
            if ok:
                n_ok += 1
            else:
                n_bad += 1
                print(f"FAIL  {case.id}: {why}\n      {case.example.text[:160]!r}")
        from tosaudit.conflicts import conflict_cases, run_conflict_example

        for d, lang, kind, i, ex in conflict_cases(cat):
            if wanted and d.id not in wanted:
                continue
            ok, why = run_conflict_example(d, lang, kind, ex.text, cat)
            if ok:
                n_ok += 1
            else:
                n_bad += 1
                print(f"FAIL  {d.id}:{lang}:{kind}[{i}]: {why}\n      {ex.text[:160]!r}")
        print(f"{n_ok} passed, {n_bad} failed, {n_todo} known (todo), {len(problems)} lint problems")
        return EXIT_FINDINGS if (n_bad or problems) else EXIT_OK
    raise UsageError(f"unknown action {args.action!r}")  # pragma: no cover


def _shared_pieces(cat, rule_id: str) -> str:
    """`rules show`: the named patterns and shared trees the rule uses, as YAML comments."""
    sp = cat.patterns
    langs: dict[tuple[str, str], list[str]] = {}
    for kind, name, lang in sp.used_in(rule_id):
        langs.setdefault((kind, name), []).append(lang)
    lines = [f"# named pieces this rule uses (rules/{sp.path.name}; expanded when the catalogue is loaded):"]
    for (kind, name), ls in sorted(langs.items(), key=lambda kv: (kv[0][0] != "tree", kv[0][1])):
        item = (sp.trees if kind == "tree" else sp.patterns)[name]
        shown = f"tree {name}" if kind == "tree" else f"{{{{{name}}}}}"
        lines.append(f"#   {shown} ({', '.join(sorted(ls))}): {item.description}")
    return "\n".join(lines)


def cmd_docs(args: argparse.Namespace) -> int:
    from tosaudit.catalogue import load_catalogue
    from tosaudit.catalogue.docs import render_features_md, render_rules_md

    cat = load_catalogue(args.rules)
    out = Path(args.out)
    stale = []
    for name, text in (("RULES.md", render_rules_md(cat)), ("FEATURES.md", render_features_md(cat))):
        target = out / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            stale.append(str(target))
            if not args.check:
                out.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    if args.check:
        for s in stale:
            print(f"stale: {s} (run `tosaudit docs`)")
        return EXIT_FINDINGS if stale else EXIT_OK
    for s in stale:
        print(f"wrote {s}", file=sys.stderr)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from tosaudit.report import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


# ---------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tosaudit",
        description="Audit contract terms (German AGB, English Terms of Service): unfair clauses, "
        "their legal basis, and contradictions with what the product really offers.",
        epilog="Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or input error.",
    )
    p.add_argument("--version", action="version", version=f"tosaudit {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="audit one or more contracts",
                       description="Audit contracts (PDF, HTML, DOCX, TXT, MD or an http(s) URL; '-' reads stdin).")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--profile", metavar="P",
                   help="product profile (YAML/JSON) of the plan; 'auto' = profile.yaml beside each contract")
    c.add_argument("--product-page", metavar="PAGE",
                   help="product or plan page (file or URL) to read the plan's features from; --profile overrides it key by key")
    c.add_argument("--format", "-f", choices=FORMATS, default="text")
    c.add_argument("--output", "-o", metavar="F", help="write the report here (a folder when several files are checked)")
    c.add_argument("--fail-on", choices=("info", "warning", "high", "never"), default="high",
                   help="exit 1 when a finding at or above this severity is found (default: high)")
    c.add_argument("--no-color", action="store_true", help="no ANSI colours in the terminal report")
    add_audit_options(c)
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rules", help="list, show, lint and test the rule catalogue")
    r.add_argument("action", choices=("list", "show", "test", "lint"))
    r.add_argument("id", nargs="?", help="rule id (for show)")
    r.add_argument("--select", action="append")
    r.add_argument("--ignore", action="append")
    r.add_argument("--lang", choices=("de", "en"))
    r.add_argument("--rules", metavar="DIR")
    r.set_defaults(func=cmd_rules)

    d = sub.add_parser("docs", help="regenerate docs/RULES.md and docs/FEATURES.md from the catalogue")
    d.add_argument("--out", default="docs", metavar="DIR")
    d.add_argument("--check", action="store_true", help="only check; exit 1 when the files are stale")
    d.add_argument("--rules", metavar="DIR")
    d.set_defaults(func=cmd_docs)

    s = sub.add_parser("schema", help="print the JSON Schema of the report")
    s.set_defaults(func=cmd_schema)

    import importlib

    for mod in EXTENSIONS:
        importlib.import_module(mod).add_cli(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CatalogueError as exc:
        if args.debug:
            raise
        for line in exc.problems[:20]:
            err(line)
        if len(exc.problems) > 20:
            err(f"... and {len(exc.problems) - 20} more problems in the rule catalogue")
        return EXIT_ERROR
    except TosauditError as exc:
        if args.debug:
            raise
        err(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so in one line, the traceback with --debug
        if args.debug:
            raise
        err(f"internal error ({type(exc).__name__}: {exc}); run again with --debug and report it")
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
