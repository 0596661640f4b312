"""When Rasa is down, slow or unsure: the detector first, then keywords, then the menu."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.nlu import EMERGENCY_INTENTS as EMERGENCIES
from bot.nlu import Keywords, RasaClient, Understander, guess_language
from bot.nlu_eval import evaluate, load_cases
from bot.screen import DangerScreen
from bot.telegram_app import Services
from tests.conversation import onboard, talk

DEV = Path(__file__).parent / "nlu" / "dev.jsonl"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a Rasa that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def understander(url: str | None, timeout: float = 0.3) -> Understander:
    rasa = RasaClient(url, timeout=timeout) if url else None
    return Understander(rasa, Keywords.load(), screen=DangerScreen.ready())


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("need my methadone script", "en", "find_ost"),
        ("nowhere to sleep tonight", "en", "find_shelter"),
        ("where do i get naloxone", "en", "find_naloxone"),
        ("wo bekomme ich methadon", "de", "find_ost"),
        ("je cherche un hébergement d'urgence", "fr", "find_shelter"),
        ("hallo", "nl", "greet"),
        ("obrigado", "pt", "thanks"),
    ],
)
async def test_keywords_answer_when_rasa_is_down(text: str, language: str, intent: str) -> None:
    understood = await understander(f"http://127.0.0.1:{closed_port()}").understand(text, language)
    assert (understood.intent, understood.source) == (intent, "fallback")


async def test_the_emergency_detector_answers_before_rasa_is_asked(silent_server: str) -> None:
    nlu = understander(silent_server, timeout=5)
    started = time.monotonic()
    understood = await nlu.understand("my mate has gone blue and isnt breathing")
    assert understood.intent == "overdose_emergency" and understood.source == "safety"
    assert time.monotonic() - started < 1, "never waits for Rasa"


async def test_a_slow_rasa_is_given_up_on_and_then_skipped(silent_server: str) -> None:
    nlu = understander(silent_server, timeout=0.3)
    first = await nlu.understand("need my methadone script")
    assert first.source == "fallback" and first.intent == "find_ost"
    started = time.monotonic()
    second = await nlu.understand("nowhere to sleep tonight")
    assert second.intent == "find_shelter"
    assert time.monotonic() - started < 0.2, "after a timeout Rasa is skipped for a while"


async def test_nothing_understood_is_out_of_scope_not_an_error() -> None:
    understood = await understander(None).understand("zzzz qqqq", "en")
    assert (understood.intent, understood.source, understood.confidence) == (
        "out_of_scope",
        "fallback",
        0.0,
    )


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("where can i get my script", None, "en"),
        ("je suis sorti hier", "en", "fr"),
        ("ich brauche einen schlafplatz", None, "de"),
        ("ik heb geen slaapplek", None, "nl"),
        ("preciso de metadona hoje", None, "pt"),
        ("ok", "pt", "pt"),
    ],
)
def test_language_guess(text: str, hint: str | None, expected: str) -> None:
    assert guess_language(text, hint) == expected


def onboarded(services: Services, chat: int = 21) -> None:
    onboard(services, chat, "tap:rel:today", "Leeds", "tap:ost:yes", "tap:housed:yes")


def test_a_stray_stop_never_unsubscribes_silently(services: Services) -> None:
    onboarded(services)
    (replies,) = talk(services, 21, "please stop sending me these")
    assert any("confirm:stop" in [b.data for row in r.buttons for b in row] for r in replies)
    person = services.companion.people.by_chat(21)
    assert person is not None and not person.stopped
    talk(services, 21, "tap:confirm:stop")
    person = services.companion.people.by_chat(21)
    assert person is not None and person.stopped


def test_a_release_day_in_a_sentence_is_changed_only_after_a_yes(services: Services) -> None:
    onboarded(services)
    before = services.companion.people.by_chat(21).released_at  # type: ignore[union-attr]
    (replies,) = talk(services, 21, "actually i got out yesterday")
    data = [b.data for r in replies for row in r.buttons for b in row]
    assert "confirm:release:20260302" in data, [r.text for r in replies]
    assert services.companion.people.by_chat(21).released_at == before  # type: ignore[union-attr]
    talk(services, 21, "tap:confirm:release:20260302")
    after = services.companion.people.by_chat(21).released_at  # type: ignore[union-attr]
    assert after is not None and after.date().isoformat() == "2026-03-02"


def test_a_new_town_is_changed_only_after_a_yes(services: Services) -> None:
    onboarded(services)
    (replies,) = talk(services, 21, "moved to manchester now")
    data = [b.data for r in replies for row in r.buttons for b in row]
    assert "confirm:area:manchester" in data, [r.text for r in replies]
    assert services.companion.people.by_chat(21).area_id == "leeds"  # type: ignore[union-attr]
    talk(services, 21, "tap:confirm:area:manchester")
    assert services.companion.people.by_chat(21).area_id == "manchester"  # type: ignore[union-attr]


def test_delete_my_data_asks_first(services: Services) -> None:
    onboarded(services)
    (replies,) = talk(services, 21, "delete all my data")
    assert any("forget:yes" in [b.data for row in r.buttons for b in row] for r in replies)
    assert services.companion.people.by_chat(21) is not None


def test_a_question_gets_the_peer_written_answer(services: Services) -> None:
    onboarded(services)
    (replies,) = talk(services, 21, "where can i get my methadone")
    ost = services.live.current.message("ost", "en")
    assert ost is not None and replies[0].text.startswith(ost.body.split("\n")[0][:30])
    # Then the local contacts: none registered in Leeds here, so the national helpline.
    assert "Script / OST near Leeds" in replies[1].text and "0300 123 6600" in replies[1].text


def test_a_question_during_onboarding_is_answered_then_the_question_asked_again(
    services: Services,
) -> None:
    talk(services, 22, "/start", "tap:start:en")
    (replies,) = talk(services, 22, "where do i get naloxone")
    texts = [r.text for r in replies]
    assert (
        len(texts) == 2
        and "When did you get out" in texts[-1]
        or "didn't get that day" in texts[-1]
    )


@pytest.mark.parametrize(
    "text",
    ["my mate od", "je crois qu'il fait une overdose", "hij heeft een overdosis", "suicide"],
)
async def test_a_topic_word_gets_the_card_when_rasa_cannot_say_otherwise(text: str) -> None:
    """Rasa may overrule "od" in "my mate died of an od last year"; when it is down, nobody can."""
    understood = await understander(f"http://127.0.0.1:{closed_port()}").understand(text)
    assert understood.intent in ("overdose_emergency", "crisis_self_harm")
    assert understood.source == "safety" and not understood.caution


async def test_with_rasa_down_the_detector_and_screen_catch_the_dev_set_emergencies() -> None:
    """The emergency card must not depend on Rasa: when it is down, the detector and the
    danger screen (both in the bot's own process) still know."""
    result = await evaluate(understander(None), load_cases(DEV))
    pairs = list(zip(result.cases, result.predicted, strict=True))
    emergencies = [(c, g) for c, g in pairs if c.intent in EMERGENCIES]
    missed = [c.text for c, g in emergencies if g not in EMERGENCIES]
    alarms = [c.text for c, g in pairs if c.intent not in EMERGENCIES and g in EMERGENCIES]
    assert len(missed) <= len(emergencies) // 100, missed  # at most 1% may need Rasa
    # Topic words ("my mate died of an od") get the card while nothing can overrule them.
    assert len(alarms) <= 0.04 * (len(pairs) - len(emergencies)), alarms
