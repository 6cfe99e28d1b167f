"""Feature extraction from product pages: sentences as people write them, in German and English,
including sentences that must NOT set a feature (paid extras, other plans, negations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tosaudit.catalogue import load_catalogue
from tosaudit.features import load_profile
from tosaudit.ingest import load_text
from tosaudit.product_page import extract_from_sentences, extract_profile, profile_yaml

VOCAB = load_catalogue().features

# (sentence, features it must set with these values)
POSITIVE = [
    # --- data
    ("Tägliche Datensicherung inklusive, 14 Tage Aufbewahrung.",
     {"backup.included": True, "backup.frequency": "daily", "backup.retention_days": 14}),
    ("Daily backups included, kept for 30 days", {"backup.included": True, "backup.retention_days": 30}),
    ("Stündliche Backups inklusive", {"backup.included": True, "backup.frequency": "hourly"}),
    ("Automatic weekly backups of your whole site", {"backup.included": True, "backup.frequency": "weekly"}),
    ("Backups werden 4 Wochen aufbewahrt", {"backup.retention_days": 28}),
    ("Kein Backup enthalten", {"backup.included": False}),
    ("Wiederherstellung selbst per Klick im Kundenbereich, kostenlos",
     {"restore.self_service": True, "restore.free": True}),
    ("Restore any backup yourself in the control panel", {"restore.self_service": True}),
    ("Wiederherstellung durch den Support gegen eine Gebühr von 29 €", {"restore.free": False}),
    ("Vollständiger Export aller Daten jederzeit per Klick", {"export.available": True}),
    ("Download all your files and databases at any time", {"export.available": True}),
    ("Rechenzentren in Deutschland (Frankfurt)", {"data.location": "DE"}),
    ("Your data is stored in EU data centres", {"data.location": "EU"}),
    # --- availability
    ("Verfügbarkeit: 99,9 % im Jahresmittel", {"sla.uptime_pct": 99.9}),
    ("99.95% uptime SLA with service credits if we miss it", {"sla.uptime_pct": 99.95, "sla.credits": True}),
    ("Garantierte Verfügbarkeit 99,99 % – wird sie verfehlt, erhalten Sie eine Gutschrift",
     {"sla.uptime_pct": 99.99, "sla.credits": True}),
    ("Wartungsarbeiten kündigen wir mindestens fünf Tage vorab an", {"maintenance.announced": True}),
    ("Planned maintenance is announced 48 hours in advance", {"maintenance.announced": True}),
    ("Statusseite unter status.beispiel.example", {"status.page": True}),
    ("Vor einer Sperre warnen wir Sie immer vorher", {"suspension.prior_notice": True}),
    ("We never suspend your site without prior warning", {"suspension.prior_notice": False}),
    # --- limits
    ("Unbegrenzter Traffic (Flatrate)", {"traffic.unlimited": True}),
    ("Traffic: unlimited", {"traffic.unlimited": True}),
    ("Traffic-Flat inklusive", {"traffic.unlimited": True}),
    ("1 TB Traffic inklusive", {"traffic.limit_gb": 1000}),
    ("Bandwidth: 500 GB per month", {"traffic.limit_gb": 500}),
    ("50 GB SSD storage", {"storage.gb": 50}),
    ("Speicherplatz: 1,5 TB", {"storage.gb": 1500}),
    ("Unbegrenzter Speicherplatz für alle Ihre Projekte", {"storage.unlimited": True}),
    # --- price and term
    ("Preisgarantie für 12 Monate", {"price.guarantee_months": 12}),
    ("Prices guaranteed for 24 months", {"price.guarantee_months": 24}),
    ("2 Jahre Preisgarantie", {"price.guarantee_months": 24}),
    ("Keine Einrichtungsgebühr", {"price.no_extra_fees": True}),
    ("No setup fees, no hidden costs", {"price.no_extra_fees": True}),
    ("nur 3,90 € pro Monat", {"price.monthly_eur": 3.9}),
    ("Monatlich kündbar – keine Mindestlaufzeit", {"term.min_months": 1, "term.renewal": "monthly"}),
    ("Mindestvertragslaufzeit: 24 Monate", {"term.min_months": 24}),
    ("Mindestvertragslaufzeit: 12 Monate, danach monatlich kündbar",
     {"term.min_months": 12, "term.renewal": "monthly"}),
    ("12-month minimum term", {"term.min_months": 12}),
    ("Cancel anytime – no long-term contract", {"term.min_months": 0}),
    ("Kündigungsfrist: 1 Monat", {"term.notice_days": 30}),
    ("Kündigungsfrist 14 Tage zum Monatsende", {"term.notice_days": 14}),
    ("30 days' notice", {"term.notice_days": 30}),
    ("Verträge hier kündigen: mit einem Klick im Kundenkonto", {"cancel.button": True, "cancel.channels": "online"}),
    ("Cancel online with one click", {"cancel.button": True}),
    # --- service and support
    ("Inklusive 5 E-Mail-Postfächer", {"email.included": True}),
    ("10 mailboxes included", {"email.included": True}),
    ("Mailboxes not included, available separately", {"email.included": False}),
    ("Inklusive 100 E-Mail-Postfächer und 3 Domains", {"email.included": True, "domain.included": True}),
    ("Eine .de-Domain inklusive", {"domain.included": True}),
    ("Support 24/7 per Telefon, E-Mail und Chat",
     {"support.hours": "24/7", "support.phone": True, "support.channels": "phone, email, chat"}),
    ("Support Mo–Fr 9–17 Uhr", {"support.hours": "business-days"}),
    ("Customer service around the clock by phone", {"support.hours": "24/7", "support.phone": True}),
    ("Support on business days via ticket", {"support.hours": "business-days", "support.channels": "ticket"}),
    ("Glasfaser mit bis zu 1 Gbit/s im Download", {"speed.down_mbps": 1000}),
    ("DSL 250: bis zu 250 Mbit/s, garantiert mindestens 150 Mbit/s",
     {"speed.down_mbps": 250, "speed.min_mbps": 150}),
    ("Inklusive 25 E-Mail-Postfächer mit je 10 GB", {"email.mailboxes": 25, "email.included": True}),
    ("Cloud-Speicher mit 2 TB für die ganze Familie", {"storage.gb": 2000}),
]

# (sentence, feature keys it must NOT set)
NEGATIVE = [
    ("Backup gegen Aufpreis buchbar", ["backup.included", "backup.frequency"]),
    ("Tägliches Backup gegen Aufpreis buchbar (1,50 € im Monat)", ["backup.included", "price.monthly_eur"]),
    ("Daily backups available as an add-on for 2 € a month", ["backup.included", "price.monthly_eur"]),
    ("Tägliche Backups erst ab dem Tarif Plus", ["backup.included"]),
    ("Automatic backups only in the Pro plan", ["backup.included"]),
    ("E-Mail-Postfächer optional zubuchbar", ["email.included"]),
    ("Mailboxes available as a paid option", ["email.included"]),
    ("Domain gegen Aufpreis", ["domain.included"]),
    ("Unsere Hotline erreichen Sie für 1,99 € pro Minute", ["price.monthly_eur"]),
    ("Die Mindestlaufzeit entfällt nicht", ["term.min_months"]),
    ("Unser Team besteht aus 24 Mitarbeitern", ["support.hours"]),
    ("99 % unserer Kunden empfehlen uns weiter", ["sla.uptime_pct"]),
    ("Wir haben 20 Jahre Erfahrung", ["price.guarantee_months"]),
    ("Export von Rechnungen als PDF", ["export.available"]),
    ("Speicher erweiterbar gegen Aufpreis auf 1 TB", ["storage.gb"]),
    ("Wiederherstellung einzelner Dateien über den Support", ["restore.self_service"]),
]


@pytest.mark.parametrize("sentence,expected", POSITIVE, ids=[s for s, _ in POSITIVE])
def test_sets_features(sentence, expected):
    found = extract_from_sentences([sentence], VOCAB)
    for key, value in expected.items():
        assert key in found, f"{key} not found in {sentence!r} (found {sorted(found)})"
        got = found[key].value
        if isinstance(value, float) or isinstance(got, float):
            assert got == pytest.approx(value), (key, got)
        else:
            assert got == value, (key, got)
        assert found[key].origin == "product-page"
        assert found[key].source == sentence


@pytest.mark.parametrize("sentence,keys", NEGATIVE, ids=[s for s, _ in NEGATIVE])
def test_does_not_set_features(sentence, keys):
    found = extract_from_sentences([sentence], VOCAB)
    for key in keys:
        assert key not in found, f"{key} was set to {found[key].value!r} by {sentence!r}"


def test_enough_sentences():
    assert len(POSITIVE) + len(NEGATIVE) >= 40
    langs = {"de": 0, "en": 0}
    for s, _ in POSITIVE + NEGATIVE:
        langs["de" if any(w in s.lower() for w in ("ä", "ö", "ü", " für ", "inklusive", "monat", " wir ", "unser")) else "en"] += 1
    assert langs["de"] >= 15 and langs["en"] >= 15


def test_vocabulary_is_complete():
    assert len(VOCAB) >= 25
    with_cues = [k for k, fd in VOCAB.items() if fd.cues.get("set")]
    assert len(with_cues) >= 25


def test_first_sentence_wins_and_keeps_its_source():
    found = extract_from_sentences(["Verfügbarkeit 99,9 %", "Verfügbarkeit 99,5 % im Tarif Start"], VOCAB)
    assert found["sla.uptime_pct"].value == pytest.approx(99.9)
    assert found["sla.uptime_pct"].source == "Verfügbarkeit 99,9 %"


def test_extract_profile_from_html(tmp_path):
    from tosaudit.api import profile_from_page

    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>Beispiel Hosting S</h1><p>Ein Tarif der Beispiel Hosting GmbH.</p>"
                    "<ul><li>Tägliche Datensicherung inklusive</li><li>Verfügbarkeit: 99,9 %</li></ul>"
                    "<table><tr><th>Laufzeit</th><td>Monatlich kündbar</td></tr></table></body></html>",
                    encoding="utf-8")
    prof = profile_from_page(page)
    assert prof.value("backup.included") is True
    assert prof.value("sla.uptime_pct") == pytest.approx(99.9)
    assert prof.value("term.min_months") == 1
    assert prof.provider == "Beispiel Hosting GmbH"
    assert all(fv.origin == "product-page" for fv in prof.features.values())


def test_profile_yaml_round_trip(tmp_path):
    doc = load_text("Tägliche Datensicherung inklusive\nVerfügbarkeit: 99,9 %\nSupport 24/7 per Telefon\n",
                    name="page.txt")
    prof = extract_profile(doc, VOCAB)
    text = profile_yaml(prof, VOCAB, "page.txt")
    assert "# Tägliche Datensicherung inklusive" in text
    assert "# sla.credits: unknown" in text
    f = tmp_path / "profile.yaml"
    f.write_text(text, encoding="utf-8")
    back = load_profile(f, VOCAB)
    assert back.value("backup.included") is True
    assert back.value("sla.uptime_pct") == pytest.approx(99.9)
    assert back.value("support.hours") == "24/7"


def test_page_never_sets_the_sector(tmp_path):
    """Keywords on a page are no reliable sign of the sector ("Glasfaser-Anbindung" on a hosting
    page, a menu listing DSL, hosting and cloud): the sector would drop rules, so the page leaves it
    unknown and the proposed profile asks the user to state it (loadable once filled in)."""
    cat = load_catalogue()
    doc = load_text("Webhosting-Paket für Einsteiger\nRechenzentrum mit redundanter Glasfaser-Anbindung\n"
                    "Unsere Produkte: DSL | Webhosting | Cloud-Speicher\n", name="page.txt")
    prof = extract_profile(doc, VOCAB)
    assert prof.sector is None
    text = profile_yaml(prof, VOCAB, "page.txt", list(cat.sectors))
    assert "# sector: unknown  [hosting, cloud, email, telecom, platform, shop]" in text
    f = tmp_path / "profile.yaml"
    f.write_text(text.replace("# sector: unknown  [hosting, cloud, email, telecom, platform, shop]",
                              "sector: hosting"), encoding="utf-8")
    assert load_profile(f, VOCAB, cat.sectors).sector == "hosting"


def test_cli_features(tmp_path, capsys):
    from tosaudit.cli import main

    page = tmp_path / "page.txt"
    page.write_text("Preisgarantie für 12 Monate\nKündigungsbutton im Kundenkonto\n", encoding="utf-8")
    assert main(["features", str(page)]) == 0
    out = capsys.readouterr().out
    assert "price.guarantee_months: 12" in out and "cancel.button: true" in out
    assert main(["features", str(page), "--format", "json", "-o", str(tmp_path / "p.json")]) == 0
    import json

    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["features"]["price.guarantee_months"] == 12
    assert load_profile(tmp_path / "p.json", VOCAB).value("cancel.button") is True
    assert main(["features", str(page), "-f", "json", "--with-sources", "-o", str(tmp_path / "s.json")]) == 0
    full = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert full["features"]["price.guarantee_months"]["source"] == "Preisgarantie für 12 Monate"


PRICING = Path(__file__).resolve().parent.parent / "samples" / "family" / "pricing.html"


@pytest.mark.parametrize("plan,expected", [
    ("Start", {"sla.uptime_pct": 99.5, "term.min_months": 0, "term.notice_days": 14, "storage.gb": 10}),
    ("Plus", {"sla.uptime_pct": 99.9, "price.guarantee_months": 24, "traffic.unlimited": True, "term.min_months": 12,
              "backup.included": True}),
    ("pro", {"sla.uptime_pct": 99.99, "traffic.limit_gb": 5000, "price.monthly_eur": 29}),
])
def test_pricing_table_column(plan, expected):
    from tosaudit.product_page import profile_from_source

    prof = profile_from_source(PRICING, VOCAB, plan=plan)
    for k, v in expected.items():
        assert prof.value(k) == pytest.approx(v) if isinstance(v, float) else prof.value(k) == v, k
    if plan == "Start":
        assert prof.value("backup.included") is None  # "gegen Aufpreis"
    assert plan.lower() in (prof.plan or "").lower()


def test_pricing_table_without_plan_sets_nothing_from_the_table(capsys):
    from tosaudit.cli import main
    from tosaudit.product_page import profile_from_source

    prof = profile_from_source(PRICING, VOCAB)
    assert prof.value("sla.uptime_pct") is None and prof.value("backup.included") is None
    assert main(["features", str(PRICING)]) == 0
    assert "--plan" in capsys.readouterr().err
