"""Against the real Rasa server trained from nlu/ (scripts/rasa up; scripts/test does it)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.areas import place_finder
from bot.clock import Clock
from bot.content import build, read_folder
from bot.nlu import Keywords, RasaClient, Understander
from bot.nlu_eval import evaluate, load_cases, metrics
from bot.screen import DangerScreen
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from tests.botharness import CHAT, Harness
from tests.conftest import TOKEN, with_api
from tests.fakebotapi import FakeBotAPI

RASA_URL = os.environ.get("FIRST48_TEST_RASA_URL", "")
# The development set: tuned against (never trained on). The blind held-out set
# (tests/nlu/heldout.jsonl) is only measured, by scripts/test and the README's table.
DEV = Path(__file__).parent / "nlu" / "dev.jsonl"

if not RASA_URL and os.environ.get("FIRST48_REQUIRE_RASA"):
    raise RuntimeError("FIRST48_REQUIRE_RASA is set but FIRST48_TEST_RASA_URL is not")
pytestmark = [
    pytest.mark.skipif(not RASA_URL, reason="Rasa is not running (scripts/rasa up)"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def understander(url: str = RASA_URL, timeout: float = 2.0) -> Understander:
    rasa = RasaClient(url, timeout=timeout, pause_after_failure=0.5)
    return Understander(rasa, Keywords.load(), screen=DangerScreen.ready())


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("need my script sorted released friday with 2 days meth", "en", "find_ost"),
        ("got nowhere to kip tonight", "en", "find_shelter"),
        ("wo bekomme ich methadon", "de", "find_ost"),
        ("ou je peux dormir ce soir", "fr", "find_shelter"),
        ("waar kan ik naloxon halen", "nl", "find_naloxone"),
        ("onde posso arranjar naloxona", "pt", "find_naloxone"),
        ("thanks a lot mate", "en", "thanks"),
    ],
)
async def test_rasa_understands_free_text(text: str, language: str, intent: str) -> None:
    nlu = understander()
    understood = await nlu.understand(text, language)
    await nlu.rasa.close()  # type: ignore[union-attr]
    assert (understood.intent, understood.source) == (intent, "rasa")


async def test_rasa_finds_the_place() -> None:
    nlu = understander()
    understood = await nlu.understand("moved to leeds", "en")
    await nlu.rasa.close()  # type: ignore[union-attr]
    assert (understood.intent, understood.source) == ("set_location", "rasa")
    assert (understood.entity("place") or "").lower() == "leeds"


async def test_a_town_rasa_is_unsure_of_is_still_found() -> None:
    # Rasa reads "im in leeds now" as set_location below its threshold (0.53 with the model
    # of 2 December): the bot's town finder still proposes the change.
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR))
    rasa = RasaClient(RASA_URL, timeout=2.0, pause_after_failure=0.5)
    nlu = Understander(
        rasa, Keywords.load(), find_place=place_finder(lambda: content.areas.values())
    )
    understood = await nlu.understand("im in leeds now", "en")
    await rasa.close()
    assert understood.intent == "set_location"
    assert (understood.entity("place") or "").lower() == "leeds"


async def test_every_emergency_in_the_dev_set_is_caught_with_few_false_alarms() -> None:
    """The safety bar: every emergency caught, at most 2% false alarms."""
    result = await evaluate(understander(), load_cases(DEV))
    m = metrics(result)
    missed = [
        c.text
        for c, g in zip(result.cases, result.predicted, strict=True)
        if c.intent in ("overdose_emergency", "crisis_self_harm")
        and g not in ("overdose_emergency", "crisis_self_harm")
    ]
    assert missed == []
    assert m["emergency_false_positive_rate"] <= 0.02  # type: ignore[operator]


class Relay:
    """A TCP relay in front of Rasa that the test can cut and restore."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.requests = 0  # chunks passed on to Rasa
        self.up = threading.Event()
        self.up.set()
        self.active: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def cut(self) -> None:
        """Rasa goes away: open connections drop, new ones are refused."""
        self.up.clear()
        for sock in list(self.active):
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass

    def restore(self) -> None:
        self.up.set()

    def _pipe(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream:
                    self.requests += 1
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.active += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def close(self) -> None:
        self.cut()
        self.stopping.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def relay() -> Iterator[Relay]:
    port = int(RASA_URL.rsplit(":", 1)[1])
    relay = Relay(port)
    yield relay
    relay.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI(token=TOKEN).start()
    yield server
    server.stop()


async def test_a_chat_carries_on_when_rasa_goes_down_and_comes_back(
    api: FakeBotAPI, settings: Settings, clock: Clock, relay: Relay
) -> None:
    bot_settings = replace(
        with_api(settings, api.url), rasa_url=f"http://127.0.0.1:{relay.port}", rasa_timeout=2.0
    )
    bot = await Harness.start(api, bot_settings, clock)
    bot.services.understander.rasa.pause_after_failure = 0.3  # type: ignore[union-attr]
    try:
        await bot.onboard()
        shelter = bot.services.live.current.message("shelter", "en")
        assert shelter is not None
        first_line = shelter.body.splitlines()[0][:25]

        await bot.say("got nowhere to kip tonight")  # Rasa up
        await bot.expect(first_line)

        relay.cut()  # Rasa down
        await bot.say("need a bed tonight, nowhere to sleep")  # keywords answer
        await bot.expect(first_line)
        await bot.say("he's not breathing")  # the card never waits
        await bot.expect("Call 999 now")
        asked = relay.requests

        relay.restore()  # Rasa back, no restart
        await asyncio.sleep(0.5)
        await bot.say("wheres the nearest hostel")
        await bot.expect(first_line)
        assert relay.requests > asked, "the bot asked Rasa again"
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("anyone seen the suicide squad film any good", "en", "out_of_scope"),
        ("delete what i told you about my od history", "en", "delete_data"),
        (
            "comment on reconnait une overdose c'est quoi les signes exactement",
            "fr",
            "naloxone_howto",
        ),
        ("hoe weet je of iemand een overdosis heeft of gewoon stoned is", "nl", "naloxone_howto"),
    ],
)
async def test_rasa_overrules_a_topic_word_and_the_answer_carries_the_number(
    text: str, language: str, intent: str
) -> None:
    nlu = understander()
    understood = await nlu.understand(text, language)
    await nlu.rasa.close()  # type: ignore[union-attr]
    assert (understood.intent, understood.source, understood.caution) == (intent, "rasa", True)


@pytest.mark.parametrize(
    "text", ["hes od on the bathroom floor", "ELLE FAIT UNE OD", "think shes overdosing"]
)
async def test_a_topic_word_in_an_emergency_still_gets_the_card(text: str) -> None:
    nlu = understander()
    understood = await nlu.understand(text)
    await nlu.rasa.close()  # type: ignore[union-attr]
    assert understood.intent == "overdose_emergency"


async def test_a_person_sees_the_answer_then_the_emergency_line_in_telegram(
    api: FakeBotAPI, settings: Settings, clock: Clock
) -> None:
    bot = await Harness.start(api, replace(with_api(settings, api.url), rasa_url=RASA_URL), clock)
    try:
        await bot.onboard()
        await bot.say("my best mate died of an od last month, miss him")
        line = await bot.expect("If anyone is in danger right now, call 999.")
        assert bot.buttons(line) == ["overdose", "crisis"]
        texts = [m.get("text", "") for m in api.sent(CHAT)]
        assert not any("Call 999 now" in t for t in texts), "no overdose card for grief"
    finally:
        await bot.stop()
