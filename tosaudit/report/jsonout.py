"""JSON output and the published JSON Schema of the report.

The JSON report is ``Report.model_dump_json(indent=2)``: keys in model field
order, so the output is stable for the same report.

The schema is published at ``docs/report.schema.json``.  Regenerate it after
any change to ``tosaudit/models.py`` (``tests/test_report.py`` fails while it
is stale)::

    python -m tosaudit.report.jsonout > docs/report.schema.json

Check without writing (exit status 1 when stale)::

    python -m tosaudit.report.jsonout --check docs/report.schema.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tosaudit.models import Report

SCHEMA_ID = "urn:tosaudit:report-schema:1"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def json_schema() -> dict[str, Any]:
    """``Report.model_json_schema()`` with ``$schema``, ``$id``, ``title`` and ``description`` first."""
    schema = Report.model_json_schema()
    head: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "tosaudit report",
        "description": (
            "Audit report of a German AGB / English Terms of Service document: "
            "risky clauses, contradictions with the plan's features, clause-vs-clause "
            "conflicts and problems during reading. Generated from tosaudit.models.Report."
        ),
    }
    rest = {k: v for k, v in schema.items() if k not in head}
    return {**head, **rest}


def schema_text() -> str:
    """The schema file's exact content."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--check"] and len(argv) == 2:
        try:
            with open(argv[1], encoding="utf-8") as fh:
                current = fh.read()
        except OSError as e:
            print(f"cannot read {argv[1]}: {e}", file=sys.stderr)
            return 1
        if current != schema_text():
            print(
                f"{argv[1]} is stale; run: python -m tosaudit.report.jsonout > {argv[1]}",
                file=sys.stderr,
            )
            return 1
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = schema_text().encode("utf-8")
    buf = getattr(sys.stdout, "buffer", None)
    if buf is not None:
        sys.stdout.flush()
        buf.write(out)
        buf.flush()
    else:  # pragma: no cover - replaced stdout (e.g. captured in tests)
        sys.stdout.write(out.decode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
