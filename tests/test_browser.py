"""The Streamlit page in a real browser: ``streamlit run app.py`` driven by Playwright and Debian's Chromium.

Skipped (with the reason) only when no ``chromium`` executable is on PATH; ``.ci/run`` installs it
with ``apt-get install -y chromium``.  ``playwright install`` is never used: the browser is the
system's.  The screenshot of the finished result is written to ``docs/screenshot.png`` (the README
shows it) when it is missing or ``TOSAUDIT_UPDATE_SCREENSHOT=1`` is set; otherwise to the test's
temporary folder, so that a CI run leaves the checkout clean.  ``TOSAUDIT_SCREENSHOT`` names
another path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_A = ROOT / "samples" / "homepage-builder"
DOCS_SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium found on PATH (install Debian's: apt-get install -y chromium); "
           "the browser test drives the system Chromium, never a downloaded one",
)

EVIL = (
    "Allgemeine Geschäftsbedingungen\n"
    "§ 10 Datensicherung\n"
    "10.4 Der Kunde ist verpflichtet, regelmäßig eine vollständige Datensicherung seiner Website vorzunehmen. "
    "<script>window.__xss = 1; alert(1)</script> <img src=x onerror=\"window.__xss = 2; alert(2)\">\n"
    "§ 11 Zahlung\n"
    "11.1 Eine Aufrechnung ist ausgeschlossen. <svg onload=\"window.__xss = 3\"></svg>"
    " [klick](javascript:window.__xss=4)\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``streamlit run app.py`` on 127.0.0.1 and a free port; always terminated."""
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{out[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer /_stcore/health within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="de-DE")
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    pg.goto(server)
    pg.get_by_text("AGB prüfen, bevor Sie unterschreiben").wait_for()
    yield pg
    ctx.close()


def _backup_card(pg):
    """The backup-duty contradiction of clause 10.4 (sample (a) has a second one in 10.5)."""
    return pg.locator('[data-kind="contradiction"][data-rule="backup-duty-shifted"]').filter(has_text="10.4").first


def _settle(pg) -> None:
    """Wait until Streamlit has finished the run (no 'running' indicator) and the chart has drawn."""
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)
    pg.wait_for_timeout(800)


@pytest.mark.skipif(not (SAMPLE_A / "agb.pdf").is_file(), reason="sample (a) not present")
def _screenshot_path(tmp_path: Path) -> Path:
    if os.environ.get("TOSAUDIT_SCREENSHOT"):
        return Path(os.environ["TOSAUDIT_SCREENSHOT"])
    if os.environ.get("TOSAUDIT_UPDATE_SCREENSHOT") == "1" or not DOCS_SCREENSHOT.is_file():
        return DOCS_SCREENSHOT
    return tmp_path / "screenshot.png"


def test_example_shows_backup_contradiction_and_screenshot(page, tmp_path):
    page.get_by_role("button", name="Homepage-Baukasten").first.click()
    card = _backup_card(page)
    card.wait_for(state="visible")
    # the clause (number, page, quote with the matched words) beside the missing feature
    clause = card.locator(".ta-side").nth(0)
    plan = card.locator(".ta-plan")
    assert "10.4" in clause.inner_text()
    assert "Seite" in clause.inner_text()
    assert clause.locator("mark").count() >= 1
    assert "Export" in plan.inner_text() and "nein" in plan.inner_text()
    box_c, box_p = clause.bounding_box(), plan.bounding_box()
    assert box_c and box_p and box_p["x"] > box_c["x"] + box_c["width"] - 1  # side by side
    assert abs(box_p["y"] - box_c["y"]) < 5
    # the summary and the chart are there
    page.get_by_test_id("stMetric").first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]').first.wait_for()
    _settle(page)
    box = card.bounding_box()
    assert box and box["y"] + box["height"] <= 1800, "the backup contradiction should be in the first screen"
    shot = _screenshot_path(tmp_path)
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


@pytest.mark.skipif(not (SAMPLE_A / "agb.pdf").is_file(), reason="sample (a) not present")
def test_upload_sample_a_with_its_profile(page):
    page.get_by_text("Datei hochladen", exact=True).click()
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(SAMPLE_A / "agb.pdf"))
    # findings appear; without plan features there is no contradiction yet
    page.locator('[data-kind="clause"]').first.wait_for()
    assert _backup_card(page).count() == 0
    # prefill the plan from the sample's profile file
    _settle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Formular vorbelegen aus").locator("input").click()
    page.get_by_role("option", name="einer Profildatei").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Profildatei")
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(SAMPLE_A / "profile.yaml"))
    _backup_card(page).wait_for(state="visible")
    assert "profile.yaml" in _backup_card(page).inner_text()


def test_document_html_and_script_never_run(page):
    page.get_by_text("Text einfügen", exact=True).click()
    page.get_by_test_id("stTextArea").locator("textarea").fill(EVIL)
    page.get_by_role("button", name="Diesen Text prüfen").click()
    page.locator(".ta-card").first.wait_for()
    _settle(page)
    assert page.evaluate("() => window.__xss") is None
    assert page.dialogs == []  # type: ignore[attr-defined]
    # the markup is shown as text, not as elements
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator(".ta-card svg, .ta-card script").count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    # ... it is there as text, in the clause context of the finding
    shown = " ".join(page.locator(".ta-card").all_text_contents())
    assert "<img src=x onerror=" in shown and "<script>" in shown


def test_damaged_pdf_shows_a_message_not_a_traceback(page, tmp_path):
    bad = tmp_path / "kaputt.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage %%EOF")
    page.get_by_text("Datei hochladen", exact=True).click()
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(bad))
    alert = page.get_by_test_id("stAlertContentError").first
    alert.wait_for()
    assert "kaputt.pdf" in alert.inner_text()
    assert page.get_by_test_id("stException").count() == 0
