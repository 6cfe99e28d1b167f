"""tosaudit in the browser: a consumer checks a contract before signing.

    streamlit run app.py

The page only calls tosaudit's public API and draws the Report; helpers live in
:mod:`tosaudit.webapp`.  The document is processed in memory and not stored.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from tosaudit.audit import audit_document
from tosaudit.catalogue import Catalogue, CatalogueError, load_catalogue
from tosaudit.errors import InputError, ProfileError, TosauditError
from tosaudit.ingest import load_bytes, load_text, load_url
from tosaudit.models import Document, Profile, Report
from tosaudit.compare import FindingRef, PlanSummary, compare, plan_facts, render_comparison
from tosaudit.features import merge_profiles
from tosaudit.product_page import extract_profile
from tosaudit.report import common as rc
from tosaudit.report import questions_text, render
from tosaudit.report.i18n import t as rt
from tosaudit.webapp import inputs, view
from tosaudit.webapp.i18n import enum_value, t

ROOT = Path(__file__).resolve().parent
SAMPLES_DIR = Path(os.environ.get("TOSAUDIT_SAMPLES", ROOT / "samples"))
SEVERITIES = ("high", "warning", "info")
SEV_COLORS = {"high": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}
SEV_ICON = {"high": ":red[:material/error:]", "warning": ":orange[:material/warning:]",
            "info": ":blue[:material/info:]"}
SS = st.session_state


# ----------------------------------------------------------------------------- cached work


@st.cache_resource(show_spinner=False)
def catalogue() -> Catalogue:
    return load_catalogue()


def _documents() -> inputs.DocCache:
    """Documents read in this browser session, by content hash. Per session and in memory only:
    nothing outlives the session or is written to disk (the privacy note on the page says so)."""
    cache = SS.get("_docs")
    if cache is None:
        cache = SS["_docs"] = inputs.DocCache(max_entries=8)
    return cache


def ingest(digest: str, name: str, data: bytes, progress=None) -> Document:
    """A contract from bytes, cached by content hash (and name, which decides the kind), so that
    changing a feature re-runs only the audit.

    Not ``st.cache_data``: that cache is shared by all sessions (the page promises the document
    is not kept), and Streamlit cannot replay the progress bar drawn while a long PDF is read.
    """
    return _documents().get((digest, name), lambda: load_bytes(data, name, progress=progress))


def ingest_text(digest: str, text: str) -> Document:
    return _documents().get((digest, "pasted"), lambda: load_text(text))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit(doc: Document, profile: Profile | None, report_lang: str | None, memo: str = "_audit_memo") -> Report:
    """Only the audit re-runs when a feature changes (the document comes from the cache)."""
    key = (doc.source.sha256, doc.source.name, profile.model_dump_json() if profile else "",
           report_lang or "")
    last = SS.get(memo)
    if last and last[0] == key:
        return last[1]
    report = audit_document(doc, catalogue(), profile, report_lang=report_lang)
    SS[memo] = (key, report)
    return report


# ----------------------------------------------------------------------------- language


def page_lang() -> str:
    choice = SS.get("ui_lang", "auto")
    if choice in ("de", "en"):
        return choice
    if SS.get("contract_lang") in ("de", "en"):
        return SS["contract_lang"]
    try:
        loc = (st.context.locale or "").lower()
    except Exception:  # pragma: no cover - older streamlit / no browser
        loc = ""
    return "de" if loc.startswith("de") else "en"


# ----------------------------------------------------------------------------- callbacks


def choose_example(key: str) -> None:
    """Pick a bundled sample: its contract and, when it has one, its profile."""
    SS["src"] = "example"
    SS["example"] = key
    sample = next((s for s in inputs.find_samples(SAMPLES_DIR) if s.key == key), None)
    if sample is not None and sample.profile is not None:
        SS["prefill"] = "sample"
        SS["prefill_sample"] = key
    elif sample is not None and sample.page is not None:
        SS["prefill"] = "page"
        SS["page_src"] = "sample"
        SS["page_sample"] = key


def on_example_change() -> None:
    key = SS.get("example")
    if key:
        choose_example(key)


def reset_form() -> None:
    SS["prefill_token"] = None


# ----------------------------------------------------------------------------- sidebar: contract


def sidebar_contract(lang: str, samples: list[inputs.Sample]) -> tuple[str, object] | None:
    """Draw the contract inputs; returns what to read: ("bytes", (name, data)), ("text", text), ("doc", Document)."""
    st.subheader(t(lang, "sec_contract"))
    src = st.radio(
        t(lang, "src"), ["example", "upload", "paste", "url"], key="src",
        format_func=lambda s: t(lang, f"src_{s}"), label_visibility="collapsed",
    )
    with_contract = [s for s in samples if s.contract is not None]
    if src == "example":
        if not with_contract:
            st.info(t(lang, "no_examples"))
            return None
        keys = [s.key for s in with_contract]
        labels = {s.key: s.label(lang) for s in with_contract}
        st.selectbox(t(lang, "example"), keys, key="example", index=None, placeholder=t(lang, "example_pick"),
                     format_func=lambda k: labels.get(k, k), on_change=on_example_change)
        key = SS.get("example")
        sample = next((s for s in with_contract if s.key == key), None)
        if sample is None:
            return None
        return "bytes", (sample.contract.name, sample.contract.read_bytes())  # type: ignore[union-attr]
    if src == "upload":
        mb = st.get_option("server.maxUploadSize")
        f = st.file_uploader(t(lang, "upload"), type=list(inputs.UPLOAD_TYPES), key="upload",
                             help=t(lang, "upload_help", types="PDF, HTML, DOCX, TXT, MD", mb=mb))
        st.caption(t(lang, "upload_help", types="PDF, HTML, DOCX, TXT, MD", mb=mb))
        if f is None:
            return None
        return "bytes", (f.name, f.getvalue())
    if src == "paste":
        with st.form("paste_form", border=False):
            text = st.text_area(t(lang, "paste"), key="paste_text", height=220, placeholder=t(lang, "paste_ph"))
            go = st.form_submit_button(t(lang, "paste_go"), type="primary")
        if go:
            SS["pasted"] = text
        if SS.get("pasted"):
            return "text", SS["pasted"]
        return None
    # url
    with st.form("url_form", border=False):
        url = st.text_input(t(lang, "url"), key="url", placeholder=t(lang, "url_ph"))
        go = st.form_submit_button(t(lang, "url_go"), type="primary")
    st.caption(t(lang, "url_help", mb=inputs.URL_MAX_BYTES // 1_000_000, sec=int(inputs.URL_TIMEOUT)))
    if go:
        SS.pop("url_doc", None)
        SS.pop("url_error", None)
        try:
            checked = inputs.check_public_url(url)
            bar = st.empty()
            SS["url_doc"] = load_url(checked, max_bytes=inputs.URL_MAX_BYTES, timeout=inputs.URL_TIMEOUT,
                                     progress=progress_cb(bar, lang))
            bar.empty()
        except inputs.UrlRefused as e:
            SS["url_error"] = (t(lang, "err_url"), t(lang, e.key, **e.kw))
        except TosauditError as e:
            SS["url_error"] = (t(lang, "err_url"), str(e))
        except Exception as e:  # never a traceback on the page
            SS["url_error"] = (t(lang, "err_url"), f"{type(e).__name__}")
    if SS.get("url_error"):
        return "error", SS["url_error"]
    if SS.get("url_doc") is not None:
        return "doc", SS["url_doc"]
    return None


def progress_cb(bar, lang: str):
    def cb(done: int, total: int) -> None:
        if total > 1:
            bar.progress(min(done / total, 1.0), text=t(lang, "reading_page", done=done, total=total))
    return cb


# ----------------------------------------------------------------------------- sidebar: plan


def apply_prefill(profile: Profile | None, label: str | None, token: str) -> None:
    """Set every field of the form from ``profile`` (missing = unknown)."""
    vocab = catalogue().features
    for key, fd in vocab.items():
        v = profile.value(key) if profile else None
        SS[f"f:{key}"] = inputs.form_value(fd, v)
    SS["sector"] = profile.sector if profile else None
    SS["base_profile"] = profile
    SS["base_label"] = label
    SS["prefill_token"] = token


def sidebar_plan(lang: str, samples: list[inputs.Sample]) -> tuple[Profile, list[tuple[str, str, str]]]:
    cat = catalogue()
    vocab = cat.features
    st.subheader(t(lang, "sec_plan"))
    st.caption(t(lang, "plan_help"))
    modes = ["none", "sample", "upload", "page"]
    mode = st.selectbox(t(lang, "prefill"), modes, key="prefill", format_func=lambda m: t(lang, f"prefill_{m}"))
    with_profile = [s for s in samples if s.profile is not None]
    error: str | None = None
    if mode == "none":
        if SS.get("prefill_token") != "none":
            apply_prefill(None, None, "none")
    elif mode == "sample":
        keys = [s.key for s in with_profile]
        if keys:
            if SS.get("prefill_sample") not in keys:
                SS["prefill_sample"] = keys[0]
            labels = {s.key: s.label(lang) for s in with_profile}
            st.selectbox(t(lang, "prefill_sample_pick"), keys, key="prefill_sample",
                         format_func=lambda k: labels.get(k, k))
            sample = next(s for s in with_profile if s.key == SS["prefill_sample"])
            token = f"sample:{sample.key}"
            if SS.get("prefill_token") != token:
                path = sample.profile
                rel = f"samples/{sample.key}/{path.name}"  # type: ignore[union-attr]
                try:
                    prof = inputs.parse_profile(path.read_bytes(), vocab, source=rel,  # type: ignore[union-attr]
                                                sectors=cat.sectors)
                    apply_prefill(prof, rel, token)
                except (ProfileError, OSError) as e:
                    error = t(lang, "err_profile") + " " + str(e)
        else:
            st.info(t(lang, "no_examples"))
    elif mode == "upload":
        f = st.file_uploader(t(lang, "prefill_upload_label"), type=["yaml", "yml", "json"], key="profile_upload")
        if f is not None:
            token = f"upload:{f.file_id}"
            if SS.get("prefill_token") != token:
                try:
                    prof = inputs.parse_profile(f.getvalue(), vocab, source=f.name, sectors=cat.sectors)
                    apply_prefill(prof, f.name, token)
                except ProfileError as e:
                    error = t(lang, "err_profile") + " " + str(e)
    elif mode == "page":
        error = product_page_input(lang, samples)
    if error:
        st.error(view.md(error))
    base: Profile | None = SS.get("base_profile")
    if base is not None and SS.get("base_label"):
        known = sum(v.value is not None for v in base.features.values())
        st.caption(view.md(t(lang, "prefilled", source=SS["base_label"])) + " "
                   + t(lang, "prefilled_features", n=known, m=len(vocab)))
        st.button(t(lang, "prefill_reset"), on_click=reset_form, key="reset_form")

    sector = sector_select(lang)
    values: dict[str, object] = {}
    groups: dict[str, list] = {}
    for fd in vocab.values():
        groups.setdefault(fd.group, []).append(fd)
    for gi, (group, fds) in enumerate(groups.items()):
        label = t(lang, f"group_{group}")
        if label == f"group_{group}":
            label = group.capitalize()
        n_known = sum(SS.get(f"f:{fd.key}") not in (None, "") for fd in fds)
        with st.expander(f"{label} · {n_known}/{len(fds)}", expanded=(gi == 0)):
            for fd in fds:
                values[fd.key] = feature_widget(fd, lang, base)
    profile, bad = inputs.form_profile(values, vocab, base, sector)
    for key, raw, reason in bad:
        st.warning(view.md(t(lang, "bad_value", value=raw, label=vocab[key].label.get(lang), reason=reason)))
    return profile, bad


def sector_select(lang: str) -> str | None:
    """What kind of product the contract is for (rules/sectors.yaml); None = unknown, every rule runs."""
    sectors = catalogue().sectors
    if SS.get("sector") not in (None, *sectors):
        SS["sector"] = None
    return st.selectbox(t(lang, "sector"), [None, *sectors], key="sector", help=t(lang, "sector_help"),
                        format_func=lambda s: t(lang, "sector_unknown") if s is None else sectors[s].label.get(lang))


def product_page_input(lang: str, samples: list[inputs.Sample]) -> str | None:
    """Read a product page (bundled, URL, file or pasted text) and prefill the form from it."""
    vocab = catalogue().features
    with_page = [s for s in samples if s.page is not None]
    srcs = (["sample"] if with_page else []) + ["url", "file", "text"]
    if SS.get("page_src") not in srcs:
        SS["page_src"] = srcs[0]
    names = {"sample": t(lang, "prefill_sample"), "url": t(lang, "prefill_page_url"),
             "file": t(lang, "prefill_page_file"), "text": t(lang, "prefill_page_text")}
    src = st.radio(t(lang, "prefill_page_src"), srcs, key="page_src", horizontal=True,
                   format_func=lambda x: names[x])
    doc: Document | None = None
    try:
        if src == "sample":
            keys = [s.key for s in with_page]
            if SS.get("page_sample") not in keys:
                SS["page_sample"] = keys[0]
            labels = {s.key: s.label(lang) for s in with_page}
            st.selectbox(t(lang, "prefill_sample_pick"), keys, key="page_sample", format_func=lambda k: labels[k])
            sample = next(s for s in with_page if s.key == SS["page_sample"])
            data = sample.page.read_bytes()  # type: ignore[union-attr]
            doc = ingest(sha(data), sample.page.name, data)  # type: ignore[union-attr]
            doc = doc.model_copy(update={"source": doc.source.model_copy(
                update={"name": f"samples/{sample.key}/{sample.page.name}"})})  # type: ignore[union-attr]
        elif src == "file":
            f = st.file_uploader(t(lang, "prefill_page_file"), type=["html", "htm", "txt", "md", "pdf"],
                                 key="page_upload")
            if f is not None:
                data = f.getvalue()
                doc = ingest(sha(data), f.name, data)
        else:
            with st.form("page_form", border=False):
                if src == "url":
                    st.text_input(t(lang, "prefill_page_url"), key="page_url", placeholder="https://")
                else:
                    st.text_area(t(lang, "prefill_page_text"), key="page_text", height=150)
                go = st.form_submit_button(t(lang, "prefill_page_go"))
            if go:
                if src == "url":
                    url = inputs.check_public_url(SS.get("page_url", ""))
                    SS["page_doc"] = load_url(url, max_bytes=inputs.URL_MAX_BYTES, timeout=inputs.URL_TIMEOUT)
                else:
                    SS["page_doc"] = load_text(SS.get("page_text", ""), name=t(lang, "prefill_page_text"))
            doc = SS.get("page_doc")
    except inputs.UrlRefused as e:
        return f"{t(lang, 'err_url')} {t(lang, e.key, **e.kw)}"
    except TosauditError as e:
        return f"{t(lang, 'err_page')} {e}"
    except Exception as e:  # never a traceback on the page
        return f"{t(lang, 'err_page')} ({type(e).__name__})"
    if doc is None:
        return None
    token = f"page:{doc.source.sha256}"
    if SS.get("prefill_token") != token:
        prof = extract_profile(doc, vocab)
        apply_prefill(prof, doc.source.name, token)
    return None


def feature_widget(fd, lang: str, base: Profile | None):
    wkey = f"f:{fd.key}"
    if wkey not in SS:
        SS[wkey] = None
    label = fd.label.get(lang)
    base_v = base.value(fd.key) if base else None
    if fd.type == "bool":
        opts = [None, True, False]
        names = {None: t(lang, "unknown"), True: t(lang, "yes"), False: t(lang, "no")}
        return st.selectbox(label, opts, key=wkey, format_func=lambda v: names[v], help=fd.help.get(lang),
                            placeholder=t(lang, "unknown"))
    if fd.type == "enum":
        opts = [None, *(fd.values or [])]
        return st.selectbox(label, opts, key=wkey, format_func=lambda v: t(lang, "unknown") if v is None else enum_value(lang, v),
                            help=fd.help.get(lang), placeholder=t(lang, "unknown"))
    if SS.get(wkey) is None:
        SS[wkey] = ""
    unit = f" ({fd.unit})" if fd.unit and "(" not in label else ""
    _ = base_v
    return st.text_input(label + unit, key=wkey, placeholder=t(lang, "unknown"), help=fd.help.get(lang))


# ----------------------------------------------------------------------------- main: results


def read_contract(spec, lang: str) -> tuple[Document | None, str | None]:
    """(document, error message) for what the sidebar chose."""
    if spec is None:
        return None, None
    kind, payload = spec
    try:
        if kind == "error":
            title, msg = payload  # type: ignore[misc]
            return None, f"{title} {msg}"
        if kind == "doc":
            return payload, None  # type: ignore[return-value]
        if kind == "text":
            text = str(payload)
            return ingest_text(sha(text.encode("utf-8", "surrogatepass")), text), None
        name, data = payload  # type: ignore[misc]
        bar = st.empty()
        doc = ingest(sha(data), name, data, progress_cb(bar, lang))
        bar.empty()
        return doc, None
    except InputError as e:
        return None, f"{t(lang, 'err_input')} {e}"
    except TosauditError as e:
        return None, f"{t(lang, 'err_input')} {e}"
    except Exception as e:  # never a traceback on the page
        return None, t(lang, "err_unexpected", kind=type(e).__name__)


def empty_state(lang: str, samples: list[inputs.Sample]) -> None:
    st.markdown(f"#### {t(lang, 'empty_title')}")
    c1, c2, c3 = st.columns(3)
    for col, k, icon in ((c1, "empty_1", ":material/description:"), (c2, "empty_2", ":material/tune:"),
                           (c3, "empty_3", ":material/fact_check:")):
        with col.container(border=True):
            st.markdown(f"{icon} {t(lang, k)}")
    with_contract = [s for s in samples if s.contract is not None]
    if with_contract:
        st.markdown(f"**{t(lang, 'try')}:**")
        cols = st.columns(min(len(with_contract), 3))
        for i, s in enumerate(with_contract[:8]):
            cols[i % len(cols)].button(f"▶ {s.label(lang)}", key=f"try:{s.key}", on_click=choose_example,
                                       args=(s.key,), type="primary" if i == 0 else "secondary",
                                       width="stretch")


def summary(report: Report, lang: str) -> None:
    counts = report.counts()
    left, right = st.columns([3, 2], gap="large")
    with left:
        r1 = st.columns(3)
        r1[0].metric(f"{SEV_ICON['high']} {t(lang, 'm_high')}", counts["high"])
        r1[1].metric(f"{SEV_ICON['warning']} {t(lang, 'm_warning')}", counts["warning"])
        r1[2].metric(f"{SEV_ICON['info']} {t(lang, 'm_info')}", counts["info"])
        r2 = st.columns(3)
        r2[0].metric(f":violet[:material/bolt:] {t(lang, 'm_contra')}", counts["contradictions"])
        r2[1].metric(f":material/translate: {t(lang, 'm_lang')}", rt(lang, f"lang_{report.language}"))
        r2[2].metric(f":material/description: {t(lang, 'm_pages')}", "–" if report.pages is None else report.pages,
                     help=t(lang, "m_clauses", n=report.clauses))
    with right:
        st.markdown(f"**{t(lang, 'chart')}**")
        if not report.findings:
            st.caption(t(lang, "chart_none"))
        else:
            rows: dict[str, dict[str, int]] = {}
            for f in report.findings:
                cat = rc.category_label(f.category, lang)
                rows.setdefault(cat, {s: 0 for s in SEVERITIES})[f.severity] += 1
            names = [t(lang, f"sev_{s}") for s in SEVERITIES]
            df = pd.DataFrame(
                [{"category": k, **{t(lang, f"sev_{s}"): v[s] for s in SEVERITIES}} for k, v in rows.items()]
            )
            st.bar_chart(df, x="category", y=names, color=[SEV_COLORS[s] for s in SEVERITIES],
                         horizontal=True, height=max(140, 36 * len(rows) + 70), x_label="", y_label="",
                         stack=True)


def results(report: Report, doc: Document, lang: str) -> None:
    src = report.source
    size = f"{src.size / 1000:.0f} kB" if src.size >= 1000 else f"{src.size} B"
    st.caption(view.md(t(lang, "source_line", name=rc.one_line(src.name), kind=src.kind.upper(), size=size)))
    summary(report, lang)
    if report.problems:
        st.html(view.problems_html(report.problems, lang))
    sec = rc.sections(report)

    st.subheader(f":material/bolt: {t(lang, 'contra_title')} ({len(sec.contradictions)})")
    if sec.contradictions:
        for f in sec.contradictions:
            st.html(view.contradiction_html(f, lang, doc.text))
    elif report.profile is None or not any(v.value is not None for v in report.profile.features.values()):
        st.info(t(lang, "contra_noprofile"))
    else:
        st.success(t(lang, "contra_none"))

    if sec.conflicts:
        st.subheader(f":material/compare_arrows: {t(lang, 'conflicts_title')} ({len(sec.conflicts)})")
        for f in sec.conflicts:
            st.html(view.conflict_html(f, lang, doc.text))

    clause_findings = [f for f in report.findings if f.kind == "clause"]
    st.subheader(f":material/checklist: {t(lang, 'findings_title')} ({len(clause_findings)})")
    if report.sector is not None:  # here, not above: the contradiction stays in the first screen
        st.caption(":material/category: " + view.md(f"{rt(lang, 'sector')}: {rc.sector_text(report.sector, lang)}"))
    if not clause_findings:
        st.info(t(lang, "no_findings", rules=report.catalogue.selected))
    else:
        c1, c2, c3, c4 = st.columns([2, 2, 2, 3])
        order = c1.radio(t(lang, "order"), ["severity", "clause"], key="order", horizontal=False,
                         format_func=lambda o: t(lang, "order_sev" if o == "severity" else "order_clause"))
        sevs = c2.multiselect(t(lang, "f_sev"), list(SEVERITIES), key="f_sev",
                              format_func=lambda s: t(lang, f"sev_{s}"), placeholder="–")
        cats_present = sorted({f.category for f in clause_findings}, key=lambda x: rc.category_label(x, lang))
        cats = c3.multiselect(t(lang, "f_cat"), cats_present, key="f_cat",
                              format_func=lambda x: rc.category_label(x, lang), placeholder="–")
        needle = c4.text_input(t(lang, "f_search"), key="f_search", placeholder=t(lang, "f_search_ph"))
        shown = [f for f in clause_findings
                 if (not sevs or f.severity in sevs) and (not cats or f.category in cats)
                 and view.matches(f, needle or "", lang)]
        st.caption(t(lang, "shown", n=len(shown), m=len(clause_findings)))
        if not shown:
            st.info(t(lang, "nothing_matches"))
        elif order == "severity":
            for s in SEVERITIES:
                group = [f for f in shown if f.severity == s]
                if group:
                    st.markdown(f"##### {SEV_ICON[s]} {rt(lang, 'sev_title_' + s)} ({len(group)})")
                    for f in group:
                        st.html(view.finding_html(f, lang, doc.text))
        else:
            for f in sorted(shown, key=lambda f: (f.clause.start, f.rule_id)):
                st.html(view.finding_html(f, lang, doc.text))

    downloads(report, lang)


def downloads(report: Report, lang: str) -> None:
    st.subheader(f":material/download: {t(lang, 'downloads')}")
    stem = Path(rc.one_line(report.source.name) or "contract").stem[:60] or "contract"
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
    cols = st.columns(4)
    cols[0].download_button(t(lang, "dl_json"), render(report, "json"), f"{stem}.tosaudit.json",
                            "application/json", key="dl_json", width="stretch")
    cols[1].download_button(t(lang, "dl_md"), render(report, "md"), f"{stem}.tosaudit.md",
                            "text/markdown", key="dl_md", width="stretch")
    cols[2].download_button(t(lang, "dl_html"), render(report, "html"), f"{stem}.tosaudit.html",
                            "text/html", key="dl_html", width="stretch")
    q = questions_text(report)
    cols[3].download_button(t(lang, "dl_questions"), q, f"{stem}.questions.txt", "text/plain",
                            key="dl_questions", width="stretch")
    with st.expander(f":material/mail: {t(lang, 'questions_title')}", expanded=True):
        st.caption(t(lang, "questions_help"))
        st.code(q, language=None, wrap_lines=True)


# ----------------------------------------------------------------------------- compare plans


def plan_profile(data: bytes, name: str) -> Profile:
    """A profile from a YAML/JSON file, or proposed from a product page."""
    if name.lower().endswith((".yaml", ".yml", ".json")):
        return inputs.parse_profile(data, catalogue().features, source=name, sectors=catalogue().sectors)
    return extract_profile(ingest(sha(data), name, data), catalogue().features)


def plan_summary(slot: int, lang: str, samples: list[inputs.Sample]) -> PlanSummary | None:
    """One plan of the comparison: pick a bundled plan or upload a contract (+ profile or product page)."""
    with_contract = [s for s in samples if s.contract is not None]
    keys = [s.key for s in with_contract] + ["__own__"]
    labels = {s.key: s.label(lang) for s in with_contract} | {"__own__": t(lang, "cmp_own")}
    wkey = f"cmp_src_{slot}"
    if SS.get(wkey) not in keys:
        family = [k for k in keys if k.startswith("family/")]
        pool = family if len(family) >= 2 else keys[:-1]
        SS[wkey] = pool[slot % len(pool)] if pool else "__own__"
    choice = st.selectbox(t(lang, "cmp_plan", n=slot + 1), keys, key=wkey, format_func=lambda k: labels[k])
    try:
        if choice == "__own__":
            f = st.file_uploader(t(lang, "cmp_contract"), type=list(inputs.UPLOAD_TYPES), key=f"cmp_up_{slot}")
            pf = st.file_uploader(t(lang, "cmp_features"), key=f"cmp_prof_{slot}",
                                  type=["yaml", "yml", "json", "html", "htm", "txt", "md", "pdf"])
            if f is None:
                return None
            data = f.getvalue()
            doc = ingest(sha(data), f.name, data)
            profile = plan_profile(pf.getvalue(), pf.name) if pf is not None else None
            name = Path(f.name).stem
        else:
            sample = next(s for s in with_contract if s.key == choice)
            data = sample.contract.read_bytes()  # type: ignore[union-attr]
            doc = ingest(sha(data), sample.contract.name, data)  # type: ignore[union-attr]
            profile = None
            if sample.page is not None:
                profile = plan_profile(sample.page.read_bytes(), sample.page.name)
            if sample.profile is not None:
                own = inputs.parse_profile(sample.profile.read_bytes(), catalogue().features,
                                           source=f"samples/{sample.key}/{sample.profile.name}",
                                           sectors=catalogue().sectors)
                profile = merge_profiles(profile, own)
            name = sample.label(lang)
        report = audit(doc, profile, lang, memo=f"_cmp_memo_{slot}")
        if profile is not None and profile.plan:
            name = profile.plan
        facts = plan_facts(report, doc.model_copy(update={"lang": report.language}), catalogue().features, lang)
        st.caption(view.md(f"{doc.source.name} · {rt(lang, 'lang_' + report.language)}"))
        return PlanSummary(name=name, contract=doc.source.name, profile=profile, facts=facts,
                           counts=report.counts(), sector=report.sector,
                           findings=[FindingRef.of(f) for f in report.findings if f.severity != "info"])
    except (TosauditError, OSError) as e:
        st.error(view.md(f"{t(lang, 'err_input')} {e}"))
    except Exception as e:  # never a traceback on the page
        st.error(view.md(t(lang, "err_unexpected", kind=type(e).__name__)))
    return None


def compare_tab(lang: str, samples: list[inputs.Sample]) -> None:
    st.markdown(t(lang, "cmp_intro"))
    n = st.radio(t(lang, "cmp_n"), [2, 3], key="cmp_n", horizontal=True)
    cols = st.columns(n)
    plans: list[PlanSummary] = []
    for i in range(n):
        with cols[i], st.container(border=True):
            p = plan_summary(i, lang, samples)
            if p is not None:
                plans.append(p)
    if len(plans) < 2:
        st.info(t(lang, "cmp_need"))
        return
    seen: dict[str, int] = {}
    for p in plans:  # unique column names
        seen[p.name] = seen.get(p.name, 0) + 1
        if seen[p.name] > 1:
            p.name = f"{p.name} ({seen[p.name]})"
    comp = compare([], report_lang=lang)
    comp.plans = plans
    st.subheader(f":material/view_column: {t(lang, 'cmp_table')}")
    df = pd.DataFrame(
        {p.name: [p.facts[k].value if k in p.facts else "–" for k, _ in comp.rows] for p in plans},
        index=pd.Index([label for _, label in comp.rows], name=t(lang, "cmp_row")),
    )
    st.dataframe(df, width="stretch", height=38 + 35 * len(df),
                 column_config={"_index": st.column_config.TextColumn(width="medium")})
    st.subheader(f":material/checklist: {t(lang, 'cmp_findings')}")
    fcols = st.columns(len(plans))
    for col, p in zip(fcols, plans):
        with col:
            st.html(view.plan_findings_html(p, lang))
    c1, c2, c3 = st.columns(3)
    c1.download_button(t(lang, "cmp_dl_md"), render_comparison(comp, "md"), "comparison.md", "text/markdown",
                       key="cmp_dl_md", width="stretch")
    c2.download_button(t(lang, "cmp_dl_html"), render_comparison(comp, "html"), "comparison.html", "text/html",
                       key="cmp_dl_html", width="stretch")
    c3.download_button(t(lang, "cmp_dl_json"), render_comparison(comp, "json"), "comparison.json",
                       "application/json", key="cmp_dl_json", width="stretch")


# ----------------------------------------------------------------------------- page


def main() -> None:
    lang = page_lang()
    st.set_page_config(page_title=t(lang, "page_title"), page_icon="⚖️", layout="wide",
                       initial_sidebar_state="expanded")
    st.html(view.CSS)
    samples = inputs.find_samples(SAMPLES_DIR)

    with st.sidebar:
        st.radio(t(lang, "ui_lang"), ["auto", "de", "en"], key="ui_lang", horizontal=True,
                 format_func=lambda x: {"auto": t(lang, "ui_lang_auto"), "de": "Deutsch", "en": "English"}[x],
                 help=t(lang, "ui_lang_auto_help"))
        spec = sidebar_contract(lang, samples)
        st.divider()
        profile, _bad = sidebar_plan(lang, samples)
        st.divider()
        st.caption(t(lang, "privacy"))
        cat = catalogue()
        st.caption(t(lang, "not_advice") + " · " + t(lang, "catalogue", version=cat.version, rules=len(cat.rules)))

    st.title(f":material/balance: {t(lang, 'title')}")
    st.markdown(t(lang, "tagline"))
    st.caption(t(lang, "privacy"))

    # lazy tabs: only the open one runs (comparing audits several contracts)
    tab_audit, tab_compare = st.tabs([f":material/fact_check: {t(lang, 'tab_audit')}",
                                      f":material/view_column: {t(lang, 'tab_compare')}"],
                                     key="tab", on_change="rerun")
    if tab_compare.open:
        with tab_compare:
            compare_tab(lang, samples)
    if tab_audit.open or not tab_compare.open:
        with tab_audit:
            audit_tab(spec, profile, lang, samples)


def audit_tab(spec, profile: Profile, lang: str, samples: list[inputs.Sample]) -> None:
    doc, error = read_contract(spec, lang)
    if error:
        st.error(view.md(error), icon="🚫")
    if doc is None:
        empty_state(lang, samples)
        return
    forced = SS.get("ui_lang", "auto")
    try:
        report = audit(doc, profile, forced if forced in ("de", "en") else None)
    except TosauditError as e:  # e.g. a broken rule in the catalogue: say so, no traceback
        st.error(view.md(t(lang, "err_audit", reason=str(e))), icon="🚫")
        return
    except Exception as e:  # never a traceback on the page
        st.error(view.md(t(lang, "err_audit", reason=type(e).__name__)), icon="🚫")
        return
    if forced not in ("de", "en") and SS.get("contract_lang") != report.language:
        SS["contract_lang"] = report.language
        st.rerun()
    results(report, doc, lang)


try:
    main()
except CatalogueError as exc:  # a broken rule catalogue: say so, no traceback
    st.error(view.md(f"tosaudit: {exc}"))
