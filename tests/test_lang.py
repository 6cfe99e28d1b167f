"""Language detection by function words. Texts written for these tests."""

from __future__ import annotations

import time

import pytest

from tosaudit.lang import ENGLISH, GERMAN, detect_language, language_counts

DE = (
    "Der Kunde ist für die Sicherung seiner Daten selbst verantwortlich. Der Anbieter haftet nicht "
    "für den Verlust von Daten, wenn der Kunde keine Sicherung erstellt hat. Die Kündigung ist mit "
    "einer Frist von drei Monaten zum Ende der Laufzeit möglich und bedarf der Textform."
)
EN = (
    "The customer is responsible for backing up their data. We are not liable for any loss of data "
    "if you did not create a backup. You may terminate this agreement with thirty days' notice, and "
    "we may suspend the service at any time."
)


def test_german() -> None:
    lang, conf = detect_language(DE)
    assert lang == "de" and conf > 0.9


def test_english() -> None:
    lang, conf = detect_language(EN)
    assert lang == "en" and conf > 0.9


def test_no_signal() -> None:
    assert detect_language("") == ("en", 0.0)
    assert detect_language("12345 67,89 % — §§ 305 ff.") == ("en", 0.0)
    assert detect_language("Lorem ipsum dolor sit amet") == ("en", 0.0)


def test_short_text_is_damped() -> None:
    lang, conf = detect_language("Der Kunde und die Daten")
    assert lang == "de" and 0 < conf < 0.5


def test_lexglue_style_lowercase_tokenised() -> None:
    text = "the company 's services are provided `` as is '' and we may terminate your account at any time ."
    assert detect_language(text)[0] == "en"


def test_german_contract_with_english_words() -> None:
    text = ("Terms of Service\nCloud Storage Premium\n" + DE + "\n") * 3
    assert detect_language(text)[0] == "de"


def test_mixed_takes_majority() -> None:
    lang, conf = detect_language(DE * 3 + EN)
    assert lang == "de" and 0.5 < conf < 1.0


def test_sample_reads_head_and_middle_only() -> None:
    # 750 kB: an English cover page, a German body, an English tail that is never read
    text = EN * 20 + DE * 2500 + EN * 500
    t0 = time.perf_counter()
    lang, _ = detect_language(text)
    assert time.perf_counter() - t0 < 0.2
    assert lang == "de"
    de, en = language_counts(text)
    assert de + en < 10_000  # only the sample was counted


def test_word_lists_are_disjoint_and_lowercase() -> None:
    assert not GERMAN & ENGLISH
    assert all(w == w.lower() for w in GERMAN | ENGLISH)


@pytest.mark.parametrize("word", ["in", "an", "so", "will", "was", "also"])
def test_ambiguous_words_count_for_neither(word: str) -> None:
    assert language_counts(f"{word} {word} {word}") == (0, 0)
