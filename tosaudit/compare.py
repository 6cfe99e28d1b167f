"""Several plans side by side (``tosaudit compare``), two versions of one contract (``tosaudit diff``).

compare: each plan is a contract with its profile or product page. Every plan is audited; the
table holds normalised facts (what the contract says about minimum term, notice, renewal,
price changes, backups, availability, liability, suspension), what the product page promises,
and the findings per plan, counted by severity.

diff: both versions are audited with the same profile. Findings are matched by fingerprint
(rule + normalised quote); a finding whose fingerprint changed but whose rule fired again in
the clause with the same number is "reworded"; one that fired in another clause with a similar
quote is "moved"; the rest are "added" or "removed". Clauses are matched by number and
compared word by word, so a user sees "this update added a unilateral price-change clause".
"""

from __future__ import annotations

import argparse
import difflib
import html
import sys
from pathlib import Path
from typing import Any, Literal, Sequence

import regex
from pydantic import BaseModel, Field

from tosaudit.models import SEVERITY_ORDER, Finding, Profile, Report, SectorInfo

Lang = Literal["de", "en"]
_WS = regex.compile(r"\s+")

CONTRACT_NAMES = ("agb", "terms", "tos", "contract", "vertrag", "bedingungen")
CONTRACT_EXT = (".pdf", ".html", ".htm", ".docx", ".txt", ".md")
PAGE_NAMES = ("product-page", "produktseite", "product", "leistungsbeschreibung", "pricing", "plan")
PROFILE_NAMES = ("profile.yaml", "profile.yml", "profile.json")


# ---------------------------------------------------------------------------- models


class FindingRef(BaseModel):
    rule_id: str
    title: str
    severity: str
    kind: str
    clause: str | None = None
    other_clause: str | None = None
    quote: str
    message: str
    fingerprint: str

    @classmethod
    def of(cls, f: Finding) -> "FindingRef":
        return cls(rule_id=f.rule_id, title=f.title, severity=f.severity, kind=f.kind,
                   clause=f.clause.ref or f.clause.number,
                   other_clause=(f.other_clause.ref or f.other_clause.number) if f.other_clause else None,
                   quote=f.quote, message=f.message, fingerprint=f.fingerprint)


class Fact(BaseModel):
    key: str
    label: str
    #: the value as shown in the table
    value: str
    #: where it came from: a clause reference, "product page", "profile"
    source: str | None = None
    quote: str | None = None


class PlanSummary(BaseModel):
    name: str
    contract: str
    page: str | None = None
    profile: Profile | None = None
    #: the sector the plan's rules were chosen for, and the rules left out (None: every rule ran)
    sector: SectorInfo | None = None
    facts: dict[str, Fact] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    findings: list[FindingRef] = Field(default_factory=list)


class Comparison(BaseModel):
    schema_version: Literal["1"] = "1"
    language: Lang = "de"
    rows: list[tuple[str, str]] = Field(default_factory=list)  # (key, label)
    plans: list[PlanSummary] = Field(default_factory=list)


class FindingChange(BaseModel):
    status: Literal["added", "removed", "reworded", "moved", "unchanged"]
    old: FindingRef | None = None
    new: FindingRef | None = None


class ClauseChange(BaseModel):
    ref: str
    status: Literal["added", "removed", "changed"]
    old_text: str | None = None
    new_text: str | None = None
    similarity: float | None = None
    #: words taken out and put in, for a short view ("- drei Monate + einen Monat")
    removed_words: str | None = None
    added_words: str | None = None


class VersionDiff(BaseModel):
    schema_version: Literal["1"] = "1"
    language: Lang = "de"
    old: str
    new: str
    summary: list[str] = Field(default_factory=list)
    findings: list[FindingChange] = Field(default_factory=list)
    clauses: list[ClauseChange] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)


# ---------------------------------------------------------------------------- labels

T = {
    "min_term": ("Mindestlaufzeit", "Minimum term"),
    "notice": ("Kündigungsfrist", "Notice period"),
    "renewal": ("Verlängerung", "Renewal"),
    "price_change": ("Preisänderungsrecht", "Price-change right"),
    "price_guarantee": ("Preisgarantie (Seite)", "Price guarantee (page)"),
    "backup": ("Datensicherung", "Backups"),
    "availability": ("Verfügbarkeit", "Availability"),
    "liability": ("Haftungsbegrenzung", "Liability cap"),
    "suspension": ("Sperre", "Suspension"),
    "contradictions": ("Widersprüche zur Produktseite", "Contradictions with the product page"),
    "conflicts": ("Widersprüche zwischen Klauseln", "Clause-against-clause conflicts"),
    "high": ("Befunde hoch", "Findings high"),
    "warning": ("Befunde Warnung", "Findings warning"),
    "info": ("Befunde Hinweis", "Findings info"),
}
ROWS = list(T)

W = {
    "yes": ("ja", "yes"), "no": ("nein", "no"), "unknown": ("–", "–"), "page": ("Seite", "page"),
    "contract": ("AGB", "terms"), "months": ("Monate", "months"), "month": ("Monat", "month"), "days": ("Tage", "days"),
    "customer": ("Pflicht des Kunden", "customer's duty"), "provider": ("durch den Anbieter", "by the provider"),
    "none_found": ("keine Regel gefunden", "no rule found"), "monthly": ("monatlich", "monthly"),
    "fixed": ("um feste Zeiträume", "by fixed periods"), "none": ("keine", "none"),
    "without_notice": ("ohne Vorwarnung", "without warning"), "with_notice": ("mit Vorwarnung", "with warning"),
}


def _w(key: str, lang: str) -> str:
    de, en = W[key]
    return de if lang == "de" else en


def _label(key: str, lang: str) -> str:
    de, en = T[key]
    return de if lang == "de" else en


def _num(v: Any, lang: str) -> str:
    if isinstance(v, float):
        s = f"{v:g}"
        return s.replace(".", ",") if lang == "de" else s
    return str(v)


# ---------------------------------------------------------------------------- facts


def contract_facts(doc_text_sentences: list[tuple[str, str | None]], vocab) -> dict[str, list[tuple[Any, str, str | None]]]:
    """What the contract itself says about term, notice, renewal and availability.

    Reuses the product-page cues on the contract's sentences: ``{feature: [(value, sentence, clause), ...]}``
    (each distinct value once, in the order met; two values mean the contract contradicts itself).
    """
    from tosaudit.product_page import extract_from_sentences

    wanted = {k: vocab[k] for k in ("term.min_months", "term.notice_days", "term.renewal", "sla.uptime_pct")
              if k in vocab}
    out: dict[str, list[tuple[Any, str, str | None]]] = {}
    for sent, ref in doc_text_sentences:
        for k, fv in extract_from_sentences([sent], wanted).items():
            if all(v != fv.value for v, _, _ in out.get(k, [])):
                out.setdefault(k, []).append((fv.value, sent, ref))
    return out


def _sentences_with_refs(report: Report, doc) -> list[tuple[str, str | None]]:
    from tosaudit.segment import segment

    out = []
    for c in segment(doc):
        for s in c.sentences:
            out.append((_WS.sub(" ", doc.text[s.start:s.end]).strip(), c.ref or c.number))
    return out


def plan_facts(report: Report, doc, vocab, lang: str) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    prof = report.profile
    said = contract_facts(_sentences_with_refs(report, doc), vocab)

    def page_val(key: str) -> Any:
        return prof.value(key) if prof else None

    def both(key: str, fkey: str, fmt) -> None:
        cs = said.get(fkey) or []
        p = page_val(fkey)
        parts = []
        src = None
        quote = None
        if cs:
            parts.append(", ".join(f"{fmt(c[0])} ({_w('contract', lang)}{' ' + c[2] if c[2] else ''})" for c in cs))
            src, quote = cs[0][2], cs[0][1]
        if p is not None:
            parts.append(f"{fmt(p)} ({_w('page', lang)})")
        facts[key] = Fact(key=key, label=_label(key, lang), value=" / ".join(parts) or _w("unknown", lang),
                          source=src, quote=quote)

    both("min_term", "term.min_months", lambda v: f"{_num(v, lang)} {_w('month' if v == 1 else 'months', lang)}")
    both("notice", "term.notice_days", lambda v: f"{_num(v, lang)} {_w('days', lang)}")
    both("renewal", "term.renewal", lambda v: _w(v, lang) if v in W else str(v))
    both("availability", "sla.uptime_pct", lambda v: f"{_num(v, lang)} %")

    def from_rules(key: str, pred, yes: str | None = None, none: str | None = None) -> None:
        hits = [f for f in report.findings if pred(f) and f.kind != "conflict"]
        if hits:
            hits.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.clause.start))
            f = hits[0]
            ref = f.clause.ref or f.clause.number
            shown = yes or f.title
            more = len({x.rule_id for x in hits}) - 1
            if more > 0:
                shown += f" (+{more})"
            facts[key] = Fact(key=key, label=_label(key, lang), value=shown + (f" – {ref}" if ref else ""),
                              source=ref, quote=f.quote)
        else:
            facts[key] = Fact(key=key, label=_label(key, lang), value=none or _w("none_found", lang))

    from_rules("price_change", lambda f: f.category == "price" and any(w in f.rule_id for w in ("change", "increase",
                                                                                               "guarantee")))
    g = page_val("price.guarantee_months")
    facts["price_guarantee"] = Fact(key="price_guarantee", label=_label("price_guarantee", lang),
                                    value=f"{_num(g, lang)} {_w('months', lang)}" if g is not None else _w("unknown", lang),
                                    source="product page" if g is not None else None)
    from_rules("backup", lambda f: "backup" in f.rule_id or "restore" in f.rule_id,
               none=(_w("provider", lang) + f" ({_w('page', lang)})") if page_val("backup.included") is True else None)
    from_rules("liability", lambda f: f.category == "liability" and ("cap" in f.rule_id or "limit" in f.rule_id))
    from_rules("suspension", lambda f: f.category == "suspension" and "promised" not in f.rule_id)
    counts = report.counts()
    for k in ("contradictions", "conflicts", "high", "warning", "info"):
        facts[k] = Fact(key=k, label=_label(k, lang), value=str(counts.get(k, 0)))
    return facts


# ---------------------------------------------------------------------------- locating plans


def locate_plan(spec: str) -> tuple[Path, Path | None, Path | None]:
    """A folder (holding agb.* and product-page.* / profile.yaml) or a contract file -> (contract, page, profile).

    ``CONTRACT=PAGE`` names the product page explicitly.
    """
    from tosaudit.errors import InputError

    page: Path | None = None
    if "=" in spec and not Path(spec).exists():
        spec, page_s = spec.split("=", 1)
        page = Path(page_s)
    p = Path(spec)
    if p.is_dir():
        cands = [c for c in sorted(p.iterdir()) if c.suffix.lower() in CONTRACT_EXT
                 and any(c.stem.lower().startswith(n) for n in CONTRACT_NAMES)]
        # prefer text over PDF over HTML (the same contract may be there in several formats)
        order = {".txt": 0, ".md": 1, ".pdf": 2, ".docx": 3, ".html": 4, ".htm": 4}
        cands.sort(key=lambda c: order.get(c.suffix.lower(), 9))
        if not cands:
            raise InputError(str(p), "no contract found in the folder (expected agb.txt, agb.pdf, terms.html, ...)")
        contract = cands[0]
        folder = p
    elif p.is_file():
        contract, folder = p, p.parent
    else:
        raise InputError(spec, "no such file or folder")
    profile = None
    for n in PROFILE_NAMES:
        if (folder / n).is_file():
            profile = folder / n
            break
    if page is None:
        for c in sorted(folder.iterdir()):
            if c.is_file() and c != contract and any(c.stem.lower().startswith(n) for n in PAGE_NAMES) \
                    and c.suffix.lower() in (".html", ".htm", ".txt", ".md", ".pdf"):
                page = c
                break
    return contract, page, profile


def _audit(contract: Path | str, page: Path | str | None, profile: Path | str | Profile | None, cat, **options):
    from tosaudit.api import load_source
    from tosaudit.product_page import profile_from_source
    from tosaudit.audit import audit_document
    from tosaudit.features import load_profile, merge_profiles

    prof = profile
    if prof is not None and not isinstance(prof, Profile):
        prof = load_profile(prof, cat.features, cat.sectors)
    if page is not None:
        prof = merge_profiles(profile_from_source(page, cat.features), prof)  # type: ignore[arg-type]
    doc = load_source(contract)
    report = audit_document(doc, cat, prof, **options)  # type: ignore[arg-type]
    return report, doc.model_copy(update={"lang": report.language})


def _plan_name(contract: Path, profile: Profile | None) -> str:
    if profile and profile.plan:
        return profile.plan
    return contract.parent.name if contract.stem.lower() in CONTRACT_NAMES else contract.stem


# ---------------------------------------------------------------------------- compare


def compare(specs: Sequence[str], *, catalogue=None, report_lang: str | None = None, **options) -> Comparison:
    """Audit several plans and put their facts and findings side by side."""
    from tosaudit.catalogue import load_catalogue

    cat = catalogue or load_catalogue()
    plans: list[PlanSummary] = []
    lang = report_lang
    for spec in specs:
        contract, page, profile = locate_plan(spec)
        report, doc = _audit(contract, page, profile, cat, report_lang=report_lang, **options)
        lang = lang or report.report_language
        facts = plan_facts(report, doc, cat.features, report.report_language)
        plans.append(PlanSummary(
            name=_plan_name(contract, report.profile),
            contract=str(contract), page=str(page) if page else None, profile=report.profile,
            sector=report.sector, facts=facts, counts=report.counts(),
            findings=[FindingRef.of(f) for f in report.findings if f.severity != "info"],
        ))
    lang = lang or "de"
    return Comparison(language=lang, rows=[(k, _label(k, lang)) for k in ROWS], plans=plans)  # type: ignore[arg-type]


def _sector_line(info: SectorInfo, lang: str) -> str:
    from tosaudit.report.common import sector_text
    from tosaudit.report.i18n import t

    return f"{t(lang, 'sector')}: {sector_text(info, lang)}"


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_comparison(c: Comparison, fmt: str) -> str:
    if fmt == "json":
        return c.model_dump_json(indent=2)
    de = c.language == "de"
    head = ["Tarif" if de else "Plan"] + [p.name for p in c.plans]
    body = [[label] + [p.facts[k].value if k in p.facts else "–" for p in c.plans] for k, label in c.rows]
    if fmt == "html":
        out = ["<!doctype html>", f'<html lang="{c.language}"><head><meta charset="utf-8">',
               f"<title>{'Tarifvergleich' if de else 'Plan comparison'}</title>",
               "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
               "td,th{border:1px solid #bbb;padding:.3em .6em;vertical-align:top}th{background:#eee}"
               ".high{color:#a00;font-weight:bold}.warning{color:#a60}</style></head><body>",
               f"<h1>{'Tarifvergleich' if de else 'Plan comparison'}</h1>", "<table><thead><tr>"]
        out += [f"<th>{html.escape(h)}</th>" for h in head]
        out.append("</tr></thead><tbody>")
        for row in body:
            out.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" if i else f"<th>{html.escape(x)}</th>"
                                        for i, x in enumerate(row)) + "</tr>")
        out.append("</tbody></table>")
        for p in c.plans:
            out.append(f"<h2>{html.escape(p.name)}</h2>")
            if p.sector is not None:
                out.append(f"<p>{html.escape(_sector_line(p.sector, c.language))}</p>")
            out.append("<ul>")
            for f in p.findings:
                where = f.clause or "–"
                if f.other_clause:
                    where += f" ↔ {f.other_clause}"
                out.append(f'<li class="{f.severity}">[{f.severity}] {html.escape(f.title)} ({html.escape(where)}, '
                           f'{html.escape(f.kind)})</li>')
            out.append("</ul>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"
    # markdown (also used for text)
    out = [f"# {'Tarifvergleich' if de else 'Plan comparison'}", "",
           "| " + " | ".join(_md_cell(h) for h in head) + " |",
           "|" + "---|" * len(head)]
    for row in body:
        out.append("| " + " | ".join(_md_cell(x) for x in row) + " |")
    for p in c.plans:
        out += ["", f"## {p.name}", ""]
        if p.sector is not None:
            out += [_md_cell(_sector_line(p.sector, c.language)), ""]
        if not p.findings:
            out.append("–")
        for f in p.findings:
            where = f.clause or "–"
            if f.other_clause:
                where += f" ↔ {f.other_clause}"
            out.append(f"- **{f.severity}** {f.title} ({where}; {f.kind})")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- diff


def _norm(s: str) -> str:
    return _WS.sub(" ", regex.sub(r"[^\w\s%]", " ", s.lower())).strip()


def _sim(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a).split(), _norm(b).split()).ratio()


def match_findings(old: list[Finding], new: list[Finding]) -> list[FindingChange]:
    out: list[FindingChange] = []
    used_new: set[int] = set()
    rest_old: list[Finding] = []
    by_fp: dict[str, list[int]] = {}
    for i, f in enumerate(new):
        by_fp.setdefault(f.fingerprint, []).append(i)
    for f in old:
        idx = next((i for i in by_fp.get(f.fingerprint, []) if i not in used_new), None)
        if idx is not None:
            used_new.add(idx)
            out.append(FindingChange(status="unchanged", old=FindingRef.of(f), new=FindingRef.of(new[idx])))
        else:
            rest_old.append(f)
    still_old: list[Finding] = []
    for f in rest_old:  # same rule, same clause number: reworded
        ref = f.clause.ref or f.clause.number
        idx = next((i for i, g in enumerate(new) if i not in used_new and g.rule_id == f.rule_id
                    and ref and (g.clause.ref or g.clause.number) == ref), None)
        if idx is not None:
            used_new.add(idx)
            out.append(FindingChange(status="reworded", old=FindingRef.of(f), new=FindingRef.of(new[idx])))
        else:
            still_old.append(f)
    for f in still_old:  # same rule elsewhere with a similar quote: moved
        best, best_sim = None, 0.0
        for i, g in enumerate(new):
            if i in used_new or g.rule_id != f.rule_id:
                continue
            s = _sim(f.quote, g.quote)
            if s > best_sim:
                best, best_sim = i, s
        if best is not None and best_sim >= 0.6:
            used_new.add(best)
            out.append(FindingChange(status="moved", old=FindingRef.of(f), new=FindingRef.of(new[best])))
        else:
            out.append(FindingChange(status="removed", old=FindingRef.of(f)))
    for i, g in enumerate(new):
        if i not in used_new:
            out.append(FindingChange(status="added", new=FindingRef.of(g)))
    order = {"added": 0, "removed": 1, "reworded": 2, "moved": 3, "unchanged": 4}
    out.sort(key=lambda c: (order[c.status], -SEVERITY_ORDER[(c.new or c.old).severity]))  # type: ignore[union-attr]
    return out


def _clause_texts(doc) -> list[tuple[str, str]]:
    from tosaudit.segment import segment

    out: list[tuple[str, str]] = []
    for c in segment(doc):
        text = _WS.sub(" ", doc.text[c.start:c.end]).strip()
        ref = c.ref or c.number or (c.heading_path[-1] if c.heading_path else None)
        if not text or ref is None:
            continue
        out.append((ref, text))
    return out


def match_clauses(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ClauseChange]:
    old_map: dict[str, str] = {}
    for ref, t in old:
        old_map[ref] = (old_map.get(ref, "") + " " + t).strip()
    new_map: dict[str, str] = {}
    for ref, t in new:
        new_map[ref] = (new_map.get(ref, "") + " " + t).strip()
    out: list[ClauseChange] = []
    for ref, t in new_map.items():
        if ref not in old_map:
            out.append(ClauseChange(ref=ref, status="added", new_text=t))
            continue
        o = old_map[ref]
        if _norm(o) != _norm(t):
            ow, nw = o.split(), t.split()
            sm = difflib.SequenceMatcher(None, ow, nw)
            rem, add = [], []
            for op, a1, a2, b1, b2 in sm.get_opcodes():
                if op in ("replace", "delete"):
                    rem.append(" ".join(ow[a1:a2]))
                if op in ("replace", "insert"):
                    add.append(" ".join(nw[b1:b2]))
            out.append(ClauseChange(ref=ref, status="changed", old_text=o, new_text=t, similarity=round(sm.ratio(), 3),
                                    removed_words=" … ".join(rem) or None, added_words=" … ".join(add) or None))
    for ref, t in old_map.items():
        if ref not in new_map:
            out.append(ClauseChange(ref=ref, status="removed", old_text=t))
    return out


def _summary(changes: list[FindingChange], clauses: list[ClauseChange], lang: str) -> list[str]:
    de = lang == "de"
    out = []
    for ch in changes:
        if ch.status == "added" and ch.new and ch.new.severity != "info":
            where = ch.new.clause or "–"
            if ch.new.other_clause:
                where += f" ↔ {ch.new.other_clause}"
            out.append((f"Neu durch die Änderung: {ch.new.title} (Klausel {where}, {ch.new.severity})" if de else
                        f"This update added: {ch.new.title} (clause {where}, {ch.new.severity})"))
    for ch in changes:
        if ch.status == "removed" and ch.old and ch.old.severity != "info":
            out.append((f"Entfallen: {ch.old.title} (bisher Klausel {ch.old.clause or '–'})" if de else
                        f"Gone: {ch.old.title} (was clause {ch.old.clause or '–'})"))
    for ch in changes:
        if ch.old and ch.new and ch.status != "added" and SEVERITY_ORDER[ch.new.severity] > SEVERITY_ORDER[ch.old.severity]:
            out.append((f"Verschärft: {ch.new.title} (Klausel {ch.new.clause or '–'}, {ch.old.severity} → {ch.new.severity})"
                        if de else
                        f"Now worse: {ch.new.title} (clause {ch.new.clause or '–'}, {ch.old.severity} → {ch.new.severity})"))
    for cc in clauses:
        # numbered clauses only: a changed date in the title is no news
        if cc.status == "changed" and cc.removed_words and cc.added_words and len(cc.removed_words) < 80 \
                and regex.search(r"\d", cc.ref):
            out.append((f"Klausel {cc.ref} geändert: „{cc.removed_words}“ → „{cc.added_words}“" if de else
                        f"Clause {cc.ref} changed: \"{cc.removed_words}\" → \"{cc.added_words}\""))
    return out


def diff(old: str | Path, new: str | Path, *, profile=None, product_page=None, catalogue=None,
         report_lang: str | None = None, **options) -> VersionDiff:
    """Compare two versions of one contract: findings added, gone, reworded; clauses changed."""
    from tosaudit.catalogue import load_catalogue

    cat = catalogue or load_catalogue()
    r_old, d_old = _audit(old, product_page, profile, cat, report_lang=report_lang, **options)
    r_new, d_new = _audit(new, product_page, profile, cat, report_lang=report_lang or r_old.report_language, **options)
    lang = r_new.report_language
    changes = match_findings(r_old.findings, r_new.findings)
    clauses = match_clauses(_clause_texts(d_old), _clause_texts(d_new))
    counts: dict[str, int] = {}
    for ch in changes:
        counts[ch.status] = counts.get(ch.status, 0) + 1
    counts["clauses_changed"] = sum(c.status == "changed" for c in clauses)
    counts["clauses_added"] = sum(c.status == "added" for c in clauses)
    counts["clauses_removed"] = sum(c.status == "removed" for c in clauses)
    return VersionDiff(language=lang, old=str(old), new=str(new), summary=_summary(changes, clauses, lang),  # type: ignore[arg-type]
                       findings=changes, clauses=clauses, counts=counts)


STATUS = {
    "added": ("neu", "new"), "removed": ("entfallen", "gone"), "reworded": ("umformuliert", "reworded"),
    "moved": ("verschoben", "moved"), "unchanged": ("unverändert", "unchanged"), "changed": ("geändert", "changed"),
}


def _st(s: str, lang: str) -> str:
    de, en = STATUS[s]
    return de if lang == "de" else en


def render_diff(d: VersionDiff, fmt: str, *, show_unchanged: bool = False) -> str:
    if fmt == "json":
        return d.model_dump_json(indent=2)
    de = d.language == "de"
    L = d.language
    changes = [c for c in d.findings if show_unchanged or c.status != "unchanged"]

    def where(c: FindingChange) -> str:
        o = c.old.clause if c.old else None
        n = c.new.clause if c.new else None
        if o and n and o != n:
            return f"{o} → {n}"
        return n or o or "–"

    if fmt == "html":
        out = ["<!doctype html>", f'<html lang="{L}"><head><meta charset="utf-8">',
               f"<title>{'Versionsvergleich' if de else 'Version diff'}</title>",
               "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
               "td,th{border:1px solid #bbb;padding:.3em .6em;vertical-align:top}th{background:#eee}"
               "del{background:#fdd}ins{background:#dfd}</style></head><body>",
               f"<h1>{'Versionsvergleich' if de else 'Version diff'}</h1>",
               f"<p>{html.escape(d.old)} → {html.escape(d.new)}</p>", "<ul>"]
        out += [f"<li>{html.escape(s)}</li>" for s in d.summary]
        out.append("</ul>")
        out.append(f"<h2>{'Befunde' if de else 'Findings'}</h2><table><tr><th>Status</th><th>"
                   f"{'Schwere' if de else 'Severity'}</th><th>{'Regel' if de else 'Rule'}</th><th>"
                   f"{'Klausel' if de else 'Clause'}</th><th>{'Zitat' if de else 'Quote'}</th></tr>")
        for c in changes:
            f = c.new or c.old
            out.append(f"<tr><td>{_st(c.status, L)}</td><td>{f.severity}</td><td>{html.escape(f.title)}</td>"  # type: ignore[union-attr]
                       f"<td>{html.escape(where(c))}</td><td>{html.escape(f.quote[:300])}</td></tr>")  # type: ignore[union-attr]
        out.append("</table>")
        out.append(f"<h2>{'Geänderte Klauseln' if de else 'Changed clauses'}</h2><table>")
        for cc in d.clauses:
            body = ""
            if cc.status == "changed":
                body = f"<del>{html.escape(cc.removed_words or '')}</del> <ins>{html.escape(cc.added_words or '')}</ins>"
            elif cc.status == "added":
                body = f"<ins>{html.escape((cc.new_text or '')[:300])}</ins>"
            else:
                body = f"<del>{html.escape((cc.old_text or '')[:300])}</del>"
            out.append(f"<tr><td>{html.escape(cc.ref)}</td><td>{_st(cc.status, L)}</td><td>{body}</td></tr>")
        out.append("</table></body></html>")
        return "\n".join(out) + "\n"
    out = [f"# {'Versionsvergleich' if de else 'Version diff'}: {d.old} → {d.new}", ""]
    if d.summary:
        out += [f"- {s}" for s in d.summary] + [""]
    out += [f"## {'Befunde' if de else 'Findings'}", "",
            f"| Status | {'Schwere' if de else 'Severity'} | {'Regel' if de else 'Rule'} | {'Klausel' if de else 'Clause'} |",
            "|---|---|---|---|"]
    for c in changes:
        f = c.new or c.old
        out.append(f"| {_st(c.status, L)} | {f.severity} | {_md_cell(f.title)} (`{f.rule_id}`) | {_md_cell(where(c))} |")  # type: ignore[union-attr]
    hidden = len(d.findings) - len(changes)
    if hidden:
        out.append("")
        out.append(f"{hidden} {'unveränderte Befunde ausgeblendet' if de else 'unchanged findings not shown'}.")
    out += ["", f"## {'Geänderte Klauseln' if de else 'Changed clauses'}", ""]
    if not d.clauses:
        out.append("–")
    for cc in d.clauses:
        if cc.status == "changed":
            out.append(f"- **{cc.ref}** {_st(cc.status, L)}: ~~{_md_cell(cc.removed_words or '')}~~ → "
                       f"**{_md_cell(cc.added_words or '')}**")
        elif cc.status == "added":
            out.append(f"- **{cc.ref}** {_st(cc.status, L)}: {_md_cell((cc.new_text or '')[:200])}")
        else:
            out.append(f"- **{cc.ref}** {_st(cc.status, L)}: {_md_cell((cc.old_text or '')[:200])}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- CLI


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _fmt(args) -> str:
    if args.format:
        return args.format
    if args.output:
        suf = Path(args.output).suffix.lower()
        return {".json": "json", ".html": "html", ".htm": "html"}.get(suf, "md")
    return "md"


def cmd_compare(args: argparse.Namespace) -> int:
    from tosaudit.catalogue import load_catalogue
    from tosaudit.cli import check_sector_option

    cat = load_catalogue(args.rules)
    c = compare(args.plans, catalogue=cat, report_lang=args.report_lang, lang=args.lang,
                sector=check_sector_option(cat, args))
    _write(render_comparison(c, _fmt(args)), args.output)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from tosaudit.catalogue import load_catalogue
    from tosaudit.cli import check_sector_option

    cat = load_catalogue(args.rules)
    d = diff(args.old, args.new, profile=args.profile, product_page=args.product_page, catalogue=cat,
             report_lang=args.report_lang, lang=args.lang, sector=check_sector_option(cat, args))
    _write(render_diff(d, _fmt(args), show_unchanged=args.all), args.output)
    if args.fail_on_new != "never":
        worst = max((SEVERITY_ORDER[c.new.severity] for c in d.findings if c.status == "added" and c.new), default=-1)
        if worst >= SEVERITY_ORDER[args.fail_on_new]:
            return 1
    return 0


def add_cli(sub) -> None:
    from tosaudit.cli import add_sector_option

    p = sub.add_parser("compare", help="several plans side by side (facts and findings per plan)",
                       description="Audit several plans and print one table of normalised facts and findings per "
                                   "plan. Each PLAN is a folder holding the contract (agb.txt/.pdf/.html, terms.*) "
                                   "and optionally product-page.* and profile.yaml, or a contract file (its "
                                   "folder is searched for them), or CONTRACT=PAGE.")
    p.add_argument("plans", nargs="+", metavar="PLAN")
    p.add_argument("--format", "-f", choices=("md", "html", "json"), help="default: md, or from --output's suffix")
    p.add_argument("--output", "-o", metavar="F")
    p.add_argument("--lang", choices=("de", "en"), help="language of the contracts (default: detected)")
    p.add_argument("--report-lang", choices=("de", "en"))
    add_sector_option(p)
    p.add_argument("--rules", metavar="DIR")
    p.set_defaults(func=cmd_compare)

    d = sub.add_parser("diff", help="two versions of one contract: new, gone and reworded findings",
                       description="Audit two versions of one contract and show which findings are new, which are "
                                   "gone, which clauses changed wording (matched by fingerprint and clause number).")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--profile", metavar="P", help="product profile used for both versions")
    d.add_argument("--product-page", metavar="PAGE", help="product page used for both versions")
    d.add_argument("--format", "-f", choices=("md", "html", "json"))
    d.add_argument("--output", "-o", metavar="F")
    d.add_argument("--all", action="store_true", help="also list unchanged findings")
    d.add_argument("--fail-on-new", choices=("info", "warning", "high", "never"), default="never",
                   help="exit 1 when the new version adds a finding at or above this severity")
    d.add_argument("--lang", choices=("de", "en"))
    d.add_argument("--report-lang", choices=("de", "en"))
    add_sector_option(d)
    d.add_argument("--rules", metavar="DIR")
    d.set_defaults(func=cmd_diff)
