"""The danger screen: a second reader for emergencies that needs neither Rasa nor a phrase list."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.detector import detect
from bot.nlu import Keywords, RasaClient, Understander, Understanding
from bot.screen import (
    AGREES,
    ALONE,
    THRESHOLD,
    Danger,
    DangerScreen,
    export,
    fingerprint,
    fit,
    normalise,
    training_examples,
)
from bot.telegram_app import Services
from tests.conversation import onboard, texts

# Worded unlike any phrase of the detector (asserted below): only a reader of the whole
# message can tell. Written for this test; in no training or test set.
UNLISTED_EMERGENCIES = [
    (
        "she had a dig in the toilets ages ago and still hasnt come out, door locked, no answer",
        "en",
    ),
    ("ik heb afscheidsbrieven geschreven voor mijn kinderen", "nl"),
    ("ele caiu depois de cheirar e não responde", "pt"),
]
ORDINARY = [
    ("where can i get methadone in leeds", "en"),
    ("how long does naloxone last", "en"),
    ("ou trouver de la methadone a lille", "fr"),
    ("ich brauche einen schlafplatz heute nacht", "de"),
    ("waar kan ik naloxon halen", "nl"),
    ("obrigado pela ajuda", "pt"),
    ("my dog keeps scratching his ear", "en"),
]

TINY = """version: "3.1"
nlu:
- intent: overdose_emergency
  examples: |
    - hes not breathing
    - she wont wake up after the gear
    - lips going blue help
    - il respire plus
- intent: crisis_self_harm
  examples: |
    - i want to end it tonight
    - goodbye everyone this is it
    - je veux mourir
- intent: find_ost
  examples: |
    - where can i get my [methadone](drug)
    - need a script
- intent: greet
  examples: |
    - hello
    - hi there
"""


@pytest.fixture(scope="module")
def screen() -> DangerScreen:
    built = DangerScreen.ready()
    assert built is not None, "the screen trains from nlu/data"
    return built


def tiny_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "nlu"
    folder.mkdir()
    (folder / "en.yml").write_text(TINY, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "language"), UNLISTED_EMERGENCIES)
async def test_with_rasa_down_the_screen_cards_an_emergency_no_phrase_knows(
    screen: DangerScreen, text: str, language: str
) -> None:
    assert detect(text, prefer=language) is None, "this must be the screen's catch"
    understood = await Understander(None, Keywords.load(), screen=screen).understand(text, language)
    assert understood.intent in ("overdose_emergency", "crisis_self_harm")
    assert understood.source == "safety" and understood.detection is not None


@pytest.mark.parametrize(("text", "language"), ORDINARY)
async def test_ordinary_messages_pass_the_screen(
    screen: DangerScreen, text: str, language: str
) -> None:
    assert screen.read(text).total < ALONE
    understood = await Understander(None, Keywords.load(), screen=screen).understand(text, language)
    assert understood.intent not in ("overdose_emergency", "crisis_self_harm")


@pytest.mark.parametrize("text", ["ta", "ja", "bye", "tá"])
async def test_a_word_too_short_to_read_raises_no_alarm(screen: DangerScreen, text: str) -> None:
    # A two- or three-letter word is too little for n-grams ("ja" read as 97 % overdose).
    understood = await Understander(None, Keywords.load(), screen=screen).understand(text, "de")
    assert understood.intent not in ("overdose_emergency", "crisis_self_harm")
    assert not understood.caution
    alone = await Understander(None, Keywords.load(), screen=screen).understand("help", "en")
    assert alone.intent == "overdose_emergency", "a lone 'help' still gets the card"


def test_the_person_gets_the_card_in_the_chat_when_only_the_screen_knows(
    services: Services,
) -> None:
    onboard(services, 31)
    text, _ = UNLISTED_EMERGENCIES[0]
    answer = "\n".join(texts(services, 31, text))
    assert "Call 999 now" in answer


def test_the_screen_scores_exactly_as_scikit_learn_does(tmp_path: Path) -> None:
    from scipy.sparse import hstack

    folder = tiny_folder(tmp_path)
    vectorizers, classifier = fit(training_examples(folder))
    ours = DangerScreen(export(vectorizers, classifier, fingerprint(folder)))
    classes = list(classifier.classes_)
    for text in ["HES NOT BREATHIIING", "where is my methadone", "", "🙂🙂", "a " * 3000]:
        row = hstack([v.transform([normalise(text)]) for v in vectorizers]).tocsr()
        expected = classifier.predict_proba(row)[0]
        danger = ours.read(text)
        assert danger.overdose == pytest.approx(expected[classes.index("overdose_emergency")])
        assert danger.crisis == pytest.approx(expected[classes.index("crisis_self_harm")])


def test_a_changed_training_set_retrains_and_a_broken_one_keeps_the_last_model(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, model = tiny_folder(tmp_path), tmp_path / "models" / "screen.json"
    first = DangerScreen.ready(folder, model)
    assert first is not None and model.exists()
    assert DangerScreen.ready(folder, model) is first  # up to date: nothing to do

    data = folder / "en.yml"
    data.write_text(TINY.replace("    - hello\n", "    - hello\n    - yo\n"), encoding="utf-8")
    second = DangerScreen.ready(folder, model)
    assert second is not None and second.fingerprint != first.fingerprint

    data.write_text(TINY + "- intent: thanks\n  examples: |\n    - ta\n   - [broken\n")
    with caplog.at_level(logging.ERROR, logger="bot.screen"):
        kept = DangerScreen.ready(folder, model)
    assert kept is not None and kept.fingerprint == second.fingerprint, "the last good one stays"
    assert any("en.yml:" in r.getMessage() for r in caplog.records), "names file and line"
    assert kept.read("hes not breathing").overdose > 0.5


def test_a_damaged_model_file_is_rebuilt(tmp_path: Path) -> None:
    folder, model = tiny_folder(tmp_path), tmp_path / "screen.json"
    model.write_text('{"fingerprint": "x", "parts": [', encoding="utf-8")
    rebuilt = DangerScreen.ready(folder, model)
    assert rebuilt is not None and rebuilt.fingerprint == fingerprint(folder)


async def test_without_any_model_the_detector_still_answers(tmp_path: Path) -> None:
    folder = tiny_folder(tmp_path)
    shutil.copy(folder / "en.yml", folder / "broken.yml")
    (folder / "broken.yml").write_text("nlu: [", encoding="utf-8")
    assert DangerScreen.ready(folder, tmp_path / "none.json") is None
    understood = await Understander(None, Keywords.load(), screen=None).understand(
        "my mate has gone blue and isnt breathing"
    )
    assert understood.intent == "overdose_emergency"


class CannedRasa:
    """An HTTP server on loopback that answers /model/parse with one fixed reading."""

    def __init__(self, intent: str, confidence: float, others: dict[str, float]) -> None:
        ranking = [{"name": intent, "confidence": confidence}]
        ranking += [{"name": n, "confidence": c} for n, c in others.items()]
        body = json.dumps({"intent": ranking[0], "intent_ranking": ranking, "entities": []})

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FixedScreen:
    """A screen that reads every message the same way: pins the screen's side of a rule."""

    def __init__(self, overdose: float, crisis: float = 0.0) -> None:
        self.danger = Danger(overdose, crisis)

    def read(self, text: str) -> Danger:
        return self.danger


async def understand_with(
    screen: DangerScreen | FixedScreen, rasa: CannedRasa, text: str
) -> Understanding:
    nlu = Understander(
        RasaClient(rasa.url, timeout=2),
        Keywords.load(),
        screen=screen,  # type: ignore[arg-type]
    )
    try:
        return await nlu.understand(text, "en")
    finally:
        await nlu.rasa.close()  # type: ignore[union-attr]
        rasa.close()


async def test_rasa_sure_of_a_crisis_the_screen_does_not_see_gets_the_line_not_the_card(
    screen: DangerScreen,
) -> None:
    text = "any good songs to learn on guitar"
    assert detect(text) is None and screen.read(text).total < 0.4
    rasa = CannedRasa("crisis_self_harm", 0.99, {"out_of_scope": 0.01})
    understood = await understand_with(screen, rasa, text)
    assert understood.intent not in ("overdose_emergency", "crisis_self_harm")
    assert understood.caution, "the answer still ends with the emergency number"


@pytest.mark.parametrize(
    ("rasa_reads", "card"),
    [
        (("overdose_emergency", 0.6, {"using_alone": 0.4}), True),  # both half sure
        (("using_alone", 0.9, {"overdose_emergency": 0.05}), False),  # Rasa sees no danger
    ],
)
async def test_two_half_sure_readers_show_the_card(
    screen: DangerScreen, rasa_reads: tuple[str, float, dict[str, float]], card: bool
) -> None:
    text = "my brother is acting strange after using, slurring and sleepy"
    assert detect(text) is None and 0.5 <= screen.read(text).total < THRESHOLD
    understood = await understand_with(screen, CannedRasa(*rasa_reads), text)
    assert (understood.intent == "overdose_emergency") is card
    assert card or understood.caution, "half sure alone: the emergency number, not silence"


@pytest.mark.parametrize(
    "text",
    [
        "I overdosed in 2019 and a stranger brought me back with narcan, fine now",
        "had an od years ago, that is why i am careful now",
    ],
)
async def test_an_overdose_told_as_a_story_of_long_ago_gets_the_line_not_the_card(
    screen: DangerScreen, text: str
) -> None:
    detection = detect(text)
    assert detection is not None and detection.topic and detection.past
    understood = await Understander(None, Keywords.load(), screen=screen).understand(text, "en")
    assert understood.intent not in ("overdose_emergency", "crisis_self_harm")
    assert understood.caution
    now = await Understander(None, Keywords.load(), screen=screen).understand(
        "he od'd again just now, what do i do", "en"
    )
    assert now.intent == "overdose_emergency", "a topic word told in the present keeps the card"


async def test_with_rasa_down_the_screen_alone_cards_sooner() -> None:
    # No second reader to ask: the screen's own card threshold is lower (ALONE); with Rasa
    # up and reading something else, the same reading gets the emergency line.
    text = "my brother is acting strange after using, slurring and sleepy"
    assert detect(text) is None
    fairly_sure = FixedScreen((ALONE + THRESHOLD) / 2)
    down = Understander(None, Keywords.load(), screen=fairly_sure)  # type: ignore[arg-type]
    assert (await down.understand(text, "en")).intent == "overdose_emergency"
    rasa = CannedRasa("using_alone", 0.9, {"overdose_emergency": 0.05})
    up = await understand_with(fairly_sure, rasa, text)
    assert up.intent == "using_alone" and up.caution


@pytest.mark.parametrize(("screen_reads", "card"), [(AGREES / 2, False), (AGREES + 0.05, True)])
async def test_rasa_reading_an_overdose_beside_a_topic_word_needs_the_screen_too(
    screen_reads: float, card: bool
) -> None:
    # "overdose" is only a topic word here; Rasa half-reads an emergency. The card only if
    # the screen sees some danger too; else the answer with the emergency line.
    text = "how do you know if someone has had an overdose or is just stoned"
    detection = detect(text)
    assert detection is not None and detection.topic
    rasa = CannedRasa("overdose_emergency", 0.48, {"naloxone_howto": 0.4})
    understood = await understand_with(FixedScreen(screen_reads), rasa, text)
    assert (understood.intent == "overdose_emergency") is card
    assert card or understood.caution
