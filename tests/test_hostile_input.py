"""Hostile and strange input (property-based): whatever arrives, the bot answers and never breaks.

Any unicode up to Telegram's 4,096 characters, empty text, forged button data, deep links with
garbage payloads, far-away dates, odd locations and any phone language, for someone unknown and
for someone already onboarded, through the companion (the conversation core every adapter uses)
and the NLU pipeline (detector, screen, keywords; Rasa is tested elsewhere).
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.companion import Incoming
from bot.nlu import INTENTS, Keywords, Understander
from bot.screen import DangerScreen
from bot.telegram_app import Services
from tests.conversation import onboard

KNOWN, NEW = 71, 72
MAX = 4096

LANGUAGE_HINTS = st.one_of(st.none(), st.sampled_from(["en", "fr", "de", "nl", "pt"]), st.text())
TEXTS = st.one_of(
    st.text(max_size=MAX),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=3000, max_size=MAX),
    st.just(""),
    st.sampled_from(["/start", "/peer", "/forget", "/stop", "/settings", "/contacts", "/menu"]),
    st.builds(lambda s: f"/start {s}", st.text(max_size=80)),  # deep links with garbage
    st.builds(lambda d: f"/start r{d}", st.integers(min_value=0, max_value=99999999)),
    st.builds(lambda y: f"released 1 march {y}", st.integers(min_value=1, max_value=9999)),
    st.builds(lambda n: f"got out {n} weeks ago", st.integers(min_value=0, max_value=10**9)),
)
CALLBACKS = st.one_of(
    st.text(max_size=64),
    st.builds(
        lambda kind, value: f"{kind}:{value}",
        st.sampled_from(
            [
                "start",
                "rel",
                "area",
                "ost",
                "housed",
                "c",
                "set",
                "confirm",
                "lang",
                "forget",
                "ans",
                "mood",
                "peer",
                "case",
                "overdose",
                "crisis",
                "menu",
            ]
        ),
        st.text(max_size=40),
    ),  # fmt: skip
)
COORDINATES = st.tuples(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True)
)
INCOMING = st.one_of(
    st.builds(Incoming, st.just(0), text=TEXTS, language_hint=LANGUAGE_HINTS),
    st.builds(Incoming, st.just(0), text=TEXTS, edited=st.just(True)),
    st.builds(Incoming, st.just(0), callback=CALLBACKS, language_hint=LANGUAGE_HINTS),
    st.builds(Incoming, st.just(0), location=COORDINATES),
    st.builds(Incoming, st.just(0), media=st.sampled_from(["sticker", "photo", "voice", "other"])),
)
FUZZ = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def answered(services: Services, incoming: Incoming) -> None:
    replies = services.companion.handle(incoming)
    assert replies, incoming
    for reply in replies:
        assert reply.text.strip() and len(reply.text) <= MAX, incoming
        for row in reply.buttons:
            for button in row:
                assert button.label and len(button.data.encode()) <= 64, button


@FUZZ
@given(incoming=INCOMING)
def test_anything_from_someone_new_gets_an_answer(services: Services, incoming: Incoming) -> None:
    answered(services, Incoming(**{**incoming.__dict__, "chat_id": NEW}))


@FUZZ
@given(incoming=INCOMING)
def test_anything_from_someone_onboarded_gets_an_answer(
    services: Services, incoming: Incoming
) -> None:
    if services.companion.people.by_chat(KNOWN) is None or incoming.text in ("/forget",):
        onboard(services, KNOWN)
    answered(services, Incoming(**{**incoming.__dict__, "chat_id": KNOWN}))


@FUZZ
@given(text=TEXTS, hint=LANGUAGE_HINTS)
def test_the_nlu_reads_anything(text: str, hint: str | None) -> None:
    understander = Understander(None, Keywords.load(), screen=DangerScreen.ready())
    understood = asyncio.run(understander.understand(text, hint))
    assert understood.intent in INTENTS
    assert 0.0 <= understood.confidence <= 1.0
