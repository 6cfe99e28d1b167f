"""The Streamlit page (app.py), driven headless with Streamlit's AppTest, and its helpers."""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tosaudit.catalogue import load_catalogue  # noqa: E402
from tosaudit.models import ClauseRef, Span  # noqa: E402
from tosaudit.webapp import inputs, view  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SAMPLE_A = ROOT / "samples" / "homepage-builder"
sys.path.insert(0, str(Path(__file__).resolve().parent))

needs_sample_a = pytest.mark.skipif(not (SAMPLE_A / "agb.pdf").is_file(), reason="sample (a) not present")

EVIL = (
    "Allgemeine Geschäftsbedingungen\n"
    "§ 1 Geltung\n"
    "1.1 Diese AGB gelten für alle Verträge. <script>alert(1)</script>\n"
    "§ 10 Datensicherung\n"
    "10.4 Der Kunde ist verpflichtet, regelmäßig eine vollständige Datensicherung <img src=x onerror=alert(2)> "
    "seiner Website vorzunehmen. ![t](https://evil.example/t.png) [klick](javascript:alert(3)) :red[rot] $x^2$\n"
    "§ 11 Zahlung\n"
    "11.1 Eine Aufrechnung ist ausgeschlossen.\n"
)


# ----------------------------------------------------------------------------- helpers


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def cards(at: AppTest, kind: str | None = None) -> list[str]:
    out = []
    for h in at.html:
        v = h.value
        if 'class="ta-card' in v and (kind is None or f'data-kind="{kind}"' in v):
            out.append(v)
    return out


def rules(at: AppTest, kind: str) -> set[str]:
    return {re.search(r'data-rule="([^"]+)"', v).group(1) for v in cards(at, kind)}  # type: ignore[union-attr]


def plain(md: str) -> str:
    """A Markdown string the page escaped with backslashes, as the user reads it."""
    return re.sub(r"\\(.)", r"\1", md)


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def pick_sample(at: AppTest, key: str = "homepage-builder") -> AppTest:
    at.radio(key="src").set_value("example").run()
    at.selectbox(key="example").set_value(key).run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "application/octet-stream") -> AppTest:
    at.radio(key="src").set_value("upload").run()
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


# ----------------------------------------------------------------------------- the page


def test_empty_page_states_privacy_limits_and_offers_examples():
    at = new_app()
    text = " ".join(c.value for c in at.caption)
    assert "not stored" in text or "nicht gespeichert" in text
    assert not errors(at)
    at.radio(key="src").set_value("upload").run()
    up = at.file_uploader(key="upload")
    assert set(up.allowed_type) >= {".pdf", ".html", ".docx", ".txt"} or set(up.allowed_type) >= {"pdf", "html", "docx", "txt"}
    text = " ".join(c.value for c in at.caption)
    assert "20 MB" in text and "PDF, HTML, DOCX" in text


@needs_sample_a
def test_try_example_button_shows_backup_contradiction_side_by_side():
    at = new_app()
    at.button(key="try:homepage-builder").click().run()
    assert not at.exception
    assert "backup-duty-shifted" in rules(at, "contradiction")
    card = next(v for v in cards(at, "contradiction") if 'data-rule="backup-duty-shifted"' in v)
    assert "10.4" in card  # clause number
    assert "<mark>" in card  # matched words highlighted
    assert "ta-grid" in card and "ta-plan" in card  # side by side: clause | plan
    assert "profile.yaml" in card  # where the feature value came from
    metrics = {m.label.split(" ", 1)[-1]: m.value for m in at.metric}
    assert int(metrics["Widersprüche"]) >= 1
    assert metrics["Sprache"] == "Deutsch"
    assert str(metrics["Seiten gelesen"]) != "–"


@needs_sample_a
def test_changing_a_feature_makes_the_contradiction_disappear_and_reappear():
    at = pick_sample(new_app())
    assert "backup-duty-shifted" in rules(at, "contradiction")
    reads = at.session_state["_docs"].misses
    at.selectbox(key="f:export.available").set_value(True).run()
    assert at.session_state["_docs"].misses == reads  # the document is not read again, only audited
    assert "backup-duty-shifted" not in rules(at, "contradiction")
    # the clause is still a finding on its own
    assert "backup-duty-shifted" in rules(at, "clause")
    at.selectbox(key="f:export.available").set_value(False).run()
    assert "backup-duty-shifted" in rules(at, "contradiction")
    at.selectbox(key="f:export.available").set_value(None).run()  # unknown: an open question
    assert "backup-duty-shifted" not in rules(at, "contradiction")


@needs_sample_a
def test_upload_a_file_then_state_the_missing_feature():
    at = new_app()
    upload(at, "agb.pdf", (SAMPLE_A / "agb.pdf").read_bytes(), "application/pdf")
    assert not errors(at)
    assert cards(at), "the uploaded contract produced no findings"
    assert not rules(at, "contradiction")  # nothing known about the plan yet
    assert any("Tarif" in i.value or "plan" in i.value for i in at.info)
    at.selectbox(key="f:export.available").set_value(False).run()
    assert "backup-duty-shifted" in rules(at, "contradiction")
    card = next(v for v in cards(at, "contradiction") if 'data-rule="backup-duty-shifted"' in v)
    assert "Formular" in card or "form" in card  # origin of the value


def test_damaged_pdf_gives_a_clear_message():
    at = upload(new_app(), "broken.pdf", b"%PDF-1.7\n1 0 obj <<>> garbage \x00\x01\x02 %%EOF", "application/pdf")
    msgs = errors(at)
    assert len(msgs) == 1
    assert "broken" in msgs[0] and ("gelesen" in msgs[0] or "read" in msgs[0])
    assert "Traceback" not in msgs[0]
    assert not cards(at)


def test_scanned_and_encrypted_pdfs_give_clear_messages():
    from pdfs import simple_pdf

    at = upload(new_app(), "scan.pdf", simple_pdf(["image"]), "application/pdf")
    assert any("OCR" in m for m in errors(at)), errors(at)
    at = upload(new_app(), "locked.pdf", simple_pdf([["1. Der Kunde zahlt monatlich."]], encrypt=("o", "u")))
    assert any("encrypted" in m or "verschlüsselt" in m for m in errors(at)), errors(at)


def test_unsupported_file_gives_a_clear_message():
    at = upload(new_app(), "agb.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert errors(at) and "image" in errors(at)[0]


def test_pasted_contract_is_shown_escaped():
    at = new_app()
    at.radio(key="src").set_value("paste").run()
    at.text_area(key="paste_text").set_value(EVIL)
    at.button[0]  # the form exists
    submit = next(b for b in at.button if "prüfen" in b.label or "Check" in b.label)
    submit.click().run()
    assert not at.exception
    html = "\n".join(h.value for h in at.html)
    assert "ta-card" in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "javascript:" not in html.replace("javascript:alert(3)", "")  # only as escaped text
    assert 'href="javascript' not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    # st.markdown never sees document text unescaped
    for m in at.markdown:
        assert "<img" not in m.value and "<script" not in m.value


def test_language_switch_changes_page_and_findings():
    at = new_app()
    at.radio(key="src").set_value("paste").run()
    at.text_area(key="paste_text").set_value(EVIL)
    next(b for b in at.button if "prüfen" in b.label or "Check" in b.label).click().run()
    assert any("Widersprüche" in s.value for s in at.subheader)  # auto: the contract's language (German)
    at.radio(key="ui_lang").set_value("en").run()
    assert any("Contradictions" in s.value for s in at.subheader)
    titles = " ".join(cards(at))
    assert "Set-off" in titles or "set-off" in titles or "Backup" in titles


@needs_sample_a
def test_filters_and_order():
    at = pick_sample(new_app())
    n_all = len(cards(at, "clause"))
    assert n_all >= 2
    at.multiselect(key="f_sev").set_value(["high"]).run()
    high = cards(at, "clause")
    assert 0 < len(high) <= n_all and all("sev-high" in v for v in high)
    at.multiselect(key="f_sev").set_value([]).run()
    at.text_input(key="f_search").set_value("zzzz-no-such-word").run()
    assert not cards(at, "clause")
    assert any("Filter" in i.value for i in at.info)
    at.text_input(key="f_search").set_value("").run()
    at.radio(key="order").set_value("clause").run()
    assert len(cards(at, "clause")) == n_all
    # the contradictions are never filtered away
    assert rules(at, "contradiction")


@needs_sample_a
def test_downloads_and_questions():
    at = pick_sample(new_app())
    dls = at.get("download_button")
    assert len(dls) == 4
    code = "\n".join(c.value for c in at.code)
    assert "10.4" in code and ("Sehr geehrte" in code or "Dear" in code)


def test_profile_upload_prefills_the_form():
    at = new_app()
    at.selectbox(key="prefill").set_value("upload").run()
    prof = b"plan: Test\nfeatures:\n  export.available: false\n  sla.uptime_pct: 99,9\n"
    at.file_uploader(key="profile_upload").set_value(("mein-tarif.yaml", prof, "application/yaml")).run()
    assert not at.exception and not errors(at)
    assert at.selectbox(key="f:export.available").value is False
    assert at.text_input(key="f:sla.uptime_pct").value == "99.9"
    bad = b"features:\n  export.availabel: false\n"
    at.file_uploader(key="profile_upload").set_value(("bad.yaml", bad, "application/yaml")).run()
    assert any("export.available" in e for e in errors(at)), errors(at)


def sector_captions(at: AppTest) -> list[str]:
    return [plain(c.value) for c in at.caption if "material/category" in c.value]


def test_sector_select_leaves_out_rules_for_other_sectors_and_says_so():
    at = new_app()
    sel = at.selectbox(key="sector")
    assert sel.value is None  # default: unknown, every rule runs
    assert sel.options[0] in ("unknown – all rules", "unbekannt – alle Regeln")
    at.radio(key="src").set_value("paste").run()
    at.text_area(key="paste_text").set_value(EVIL)
    next(b for b in at.button if "prüfen" in b.label or "Check" in b.label).click().run()
    assert "backup-duty-shifted" in rules(at, "clause")
    assert not sector_captions(at)
    at.selectbox(key="sector").set_value("telecom").run()  # backup rules are written for hosting, cloud, e-mail
    assert not at.exception, at.exception
    assert "backup-duty-shifted" not in rules(at, "clause")
    line = sector_captions(at)
    assert len(line) == 1 and "Telekommunikation" in line[0] and "backup-duty-shifted" in line[0], line
    at.selectbox(key="sector").set_value("hosting").run()
    assert "backup-duty-shifted" in rules(at, "clause")
    assert "speed-no-minimum" in sector_captions(at)[0]  # a telecom-only rule, left out and named
    at.selectbox(key="sector").set_value(None).run()
    assert "backup-duty-shifted" in rules(at, "clause") and not sector_captions(at)


@needs_sample_a
def test_bundled_profile_sets_the_sector_select():
    at = pick_sample(new_app())
    assert at.selectbox(key="sector").value == "hosting"  # sector: hosting in samples/homepage-builder/profile.yaml
    assert "backup-duty-shifted" in rules(at, "contradiction")
    assert any("Webhosting" in c or "web hosting" in c for c in sector_captions(at))


def test_bad_number_in_the_form_is_reported_not_crashed():
    at = new_app()
    at.text_input(key="f:sla.uptime_pct").set_value("viel").run()
    assert not at.exception
    assert any("viel" in plain(w.value) for w in at.warning)


def test_private_url_is_refused_before_fetching():
    at = new_app()
    at.radio(key="src").set_value("url").run()
    at.text_input(key="url").set_value("http://127.0.0.1:8501/agb")
    next(b for b in at.button if "abrufen" in b.label.lower() or "fetch" in b.label.lower()).click().run()
    assert not at.exception
    msgs = errors(at)
    assert msgs and "127" in msgs[0] and ("öffentlich" in msgs[0] or "public" in msgs[0])
    at.text_input(key="url").set_value("file:///etc/passwd")
    next(b for b in at.button if "abrufen" in b.label.lower() or "fetch" in b.label.lower()).click().run()
    assert "http" in errors(at)[0]


def test_product_page_prefill_from_pasted_text():
    at = new_app()
    at.selectbox(key="prefill").set_value("page").run()
    at.radio(key="page_src").set_value("text").run()
    at.text_area(key="page_text").set_value("Tarif Start\nVerfügbarkeit: 99,9 % im Jahresmittel\n"
                                             "Tägliche Datensicherung inklusive\n")
    next(b for b in at.button if "auslesen" in b.label or "Read the" in b.label).click().run()
    assert not at.exception and not errors(at)
    assert at.text_input(key="f:sla.uptime_pct").value == "99.9"


# ----------------------------------------------------------------------------- helpers, no browser


def test_marked_escapes_and_highlights():
    assert view.marked("a <b> c", [(2, 5)]) == "a <mark>&lt;b&gt;</mark> c"
    assert view.marked("x & y", []) == "x &amp; y"


def test_context_html_uses_document_offsets():
    text = "§ 1 A.\n10.4 Der Kunde <b>muss</b> sichern.\n"
    start = text.index("10.4")
    ref = ClauseRef(index=1, number="10.4", ref="10.4", start=start, end=len(text) - 1)
    i = text.index("sichern")
    html = view.context_html(text, ref, [Span(start=i, end=i + 7, text="sichern")])
    assert "<mark>sichern</mark>" in html and "&lt;b&gt;muss&lt;/b&gt;" in html


def test_md_escape_neutralises_markdown():
    s = view.md("[x](javascript:alert(1)) ![i](http://e/i.png) <b> :red[r] $m$")
    assert "](" not in s.replace("\\](", "").replace("\\]\\(", "")
    assert "\\[" in s and "\\<" in s and "\\$" in s


def fake_resolver(ip: str):
    def resolve(host, port, proto=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
    return resolve


@pytest.mark.parametrize("url,ok", [
    ("https://example.com/agb", True),
    ("http://10.0.0.5/agb", False),
    ("http://localhost:8501/", False),
    ("http://[::1]/", False),
    ("http://169.254.169.254/latest/meta-data", False),
    ("ftp://example.com/agb", False),
    ("javascript:alert(1)", False),
    ("https:///nohost", False),
])
def test_check_public_url(url, ok):
    resolver = fake_resolver("93.184.216.34")
    if ok:
        assert inputs.check_public_url(url, resolve=resolver) == url
    else:
        with pytest.raises(inputs.UrlRefused):
            inputs.check_public_url(url, resolve=resolver)


def test_check_public_url_checks_resolved_addresses():
    with pytest.raises(inputs.UrlRefused) as e:
        inputs.check_public_url("https://intranet.example.com/", resolve=fake_resolver("192.168.1.10"))
    assert e.value.key == "err_url_private"


def test_form_profile_keeps_origin_of_unchanged_values():
    vocab = load_catalogue().features
    base = inputs.parse_profile(b"features:\n  export.available: false\n  backup.included: true\n", vocab,
                                source="p.yaml")
    prof, bad = inputs.form_profile({"export.available": False, "backup.included": False,
                                     "sla.uptime_pct": "99,5", "backup.retention_days": "x"}, vocab, base)
    assert prof.features["export.available"].origin == "profile"
    assert prof.features["export.available"].source == "p.yaml"
    assert prof.features["backup.included"].origin == "form"
    assert prof.features["sla.uptime_pct"].value == 99.5
    assert [b[0] for b in bad] == ["backup.retention_days"]


def test_form_profile_carries_the_sector_and_plan_cards_name_it():
    from tosaudit.compare import PlanSummary
    from tosaudit.models import SectorInfo

    vocab = load_catalogue().features
    prof, _ = inputs.form_profile({}, vocab, None, "telecom")
    assert prof.sector == "telecom"
    assert inputs.form_profile({}, vocab, None)[0].sector is None
    info = SectorInfo(id="telecom", label="Telekommunikation", skipped_rules=["backup-duty-shifted"], skipped_count=1)
    card = view.plan_findings_html(PlanSummary(name="DSL 100", contract="agb.txt", sector=info), "de")
    assert 'data-sector="telecom"' in card and "Telekommunikation" in card and "backup-duty-shifted" in card
    assert "data-sector" not in view.plan_findings_html(PlanSummary(name="X", contract="agb.txt"), "de")


def test_find_samples_puts_sample_a_first():
    samples = inputs.find_samples(ROOT / "samples")
    if not samples:
        pytest.skip("no samples")
    if (SAMPLE_A / "agb.pdf").is_file():
        assert samples[0].key == "homepage-builder"
        assert samples[0].contract.name == "agb.pdf" and samples[0].profile is not None


def test_doc_cache_is_an_lru_and_does_not_cache_errors():
    cache = inputs.DocCache(max_entries=2)
    assert cache.get("a", lambda: 1) == 1
    assert cache.get("a", lambda: 2) == 1
    cache.get("b", lambda: 2)
    cache.get("c", lambda: 3)
    assert cache.get("a", lambda: 4) == 4  # evicted
    with pytest.raises(ValueError):
        cache.get("d", lambda: (_ for _ in ()).throw(ValueError("x")))
    assert cache.get("d", lambda: 5) == 5


def test_long_pdf_is_read_with_pages_counted():
    from pdfs import agb_pdf

    data, _layout = agb_pdf(12)
    at = upload(new_app(), "lang.pdf", data, "application/pdf")
    assert not errors(at)
    metrics = {m.label.split(" ", 1)[-1]: m.value for m in at.metric}
    pages = metrics.get("Pages read", metrics.get("Seiten gelesen"))
    assert str(pages) == "12"
    assert not at.progress  # the progress bar is gone once the document is read


def test_reading_problems_are_shown():
    from pdfs import simple_pdf

    data = simple_pdf([["§ 1 Geltung", "1.1 Der Kunde ist verpflichtet, regelmäßig eine vollständige "
                        "Datensicherung vorzunehmen."], "image"])
    at = upload(new_app(), "halb-gescannt.pdf", data, "application/pdf")
    assert not errors(at)
    probs = [h.value for h in at.html if "ta-problems" in h.value]
    assert probs and ("2" in probs[0]) and ("text" in probs[0].lower() or "Text" in probs[0])


def test_compare_tab_puts_plans_side_by_side():
    samples = [s for s in inputs.find_samples(ROOT / "samples") if s.contract is not None]
    if len(samples) < 2:
        pytest.skip("fewer than two bundled plans")
    at = new_app()
    tab = next(t.label for t in at.tabs if "ompare" in t.label or "ergleichen" in t.label)
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 1
    df = at.dataframe[0].value
    assert df.shape[1] == 2 and df.shape[0] >= 5
    assert len([h for h in at.html if 'data-kind="plan"' in h.value]) == 2
    at.radio(key="cmp_n").set_value(3).run()
    assert at.dataframe[0].value.shape[1] == 3
    assert len(at.get("download_button")) == 3
