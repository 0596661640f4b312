"""Consistency of the NLU project: intents, languages, answers, lookups, and a clean test set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.companion import ANSWERED
from bot.content import LANGUAGES, build, read_folder
from bot.nlu import INTENTS, fold
from bot.nlu_eval import place_lookup
from bot.screen import training_data
from bot.settings import DEFAULT_CONTENT_DIR

ROOT = Path(__file__).resolve().parent.parent
NLU = ROOT / "nlu"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.jsonl"
DEV = ROOT / "tests" / "nlu" / "dev.jsonl"


def training_examples(language: str) -> dict[str, list[str]]:
    """Every training example of a language (``<lang>.yml`` and ``<lang>-*.yml``)."""
    examples: dict[str, list[str]] = {}
    for text, intent in training_data(NLU / "data" / "nlu", f"{language}*.yml"):
        examples.setdefault(intent, []).append(text)
    return examples


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_training_examples_in_every_language(language: str) -> None:
    examples = training_examples(language)
    assert set(examples) == set(INTENTS), set(INTENTS) ^ set(examples)
    thin = {intent: len(lines) for intent, lines in examples.items() if len(lines) < 10}
    assert not thin


@pytest.mark.parametrize("language", LANGUAGES)
def test_keywords_name_only_known_intents(language: str) -> None:
    data = yaml.safe_load((NLU / "keywords" / f"{language}.yml").read_text())
    assert data["language"] == language
    assert set(data["intents"]) <= set(INTENTS)


def test_every_answered_intent_has_a_peer_written_answer_in_every_language() -> None:
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR))
    assert content is not None
    for intent in ANSWERED:
        english = content.answer_for(intent, "en")
        assert english is not None, intent
        for language in LANGUAGES:
            assert english.id in content.messages[language], (intent, language)


def test_every_intent_is_routed_somewhere() -> None:
    routed = set(ANSWERED) | {
        "overdose_emergency",
        "crisis_self_harm",
        "set_release_date",
        "set_location",
        "stop_messages",
        "delete_data",
        "greet",
        "thanks",
        "out_of_scope",
    }
    assert routed == set(INTENTS)


def test_the_place_lookup_matches_the_areas() -> None:
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR))
    assert content is not None
    committed = (NLU / "data" / "lookups" / "place.yml").read_text()
    assert committed == place_lookup(content.areas.values()), "run: first48 nlu lookups"


def test_the_heldout_set_is_big_enough_and_never_trained_on() -> None:
    cases = [json.loads(line) for line in HELDOUT.read_text().splitlines() if line.strip()]
    per_language = {lang: sum(1 for c in cases if c["lang"] == lang) for lang in LANGUAGES}
    assert per_language["en"] >= 150
    assert all(per_language[lang] >= 30 for lang in LANGUAGES[1:]), per_language
    assert {c["intent"] for c in cases} == set(INTENTS)
    assert overlap_with_training(HELDOUT) == []


def test_the_dev_set_is_never_trained_on() -> None:
    assert overlap_with_training(DEV) == []


def overlap_with_training(path: Path) -> list[str]:
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    trained = {fold(text) for text, _ in training_data(NLU / "data" / "nlu")}
    return [c["text"] for c in cases if fold(c["text"]) in trained]


def test_built_models_caches_and_environments_are_never_committed() -> None:
    """A trained model or Rasa's cache in git makes a submission too big to land."""
    import subprocess

    paths = [
        ".rasa/cache/x",
        "nlu/models/first48-nlu.tar.gz",
        "nlu/models/cache/x",
        ".venv-rasa/bin/rasa",
        ".venv/bin/python",
        "first48.db",
    ]
    result = subprocess.run(
        ["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert sorted(result.stdout.split()) == sorted(paths)
