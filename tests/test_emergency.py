"""The emergency path: answered first, in the person's country, even when the database is gone."""

from __future__ import annotations

import pytest

from bot.companion import Incoming
from bot.telegram_app import Services
from tests.conversation import talk


def texts(services: Services, text: str, chat: int = 11) -> list[str]:
    return [reply.text for reply in services.companion.handle(Incoming(chat, text=text))]


def test_the_card_comes_first_and_only_once(services: Services) -> None:
    replies = services.companion.handle(Incoming(11, text="my friend wont wake up"))
    assert replies[0].emergency and "Call 999 now" in replies[0].text
    assert sum(r.emergency for r in replies) == 1


def test_overdose_with_suicidal_intent_gets_both_cards(services: Services) -> None:
    replies = texts(services, "i took everything to kill myself, i overdosed on purpose")
    assert any("Call 999 now" in r for r in replies)
    assert any("116 123" in r for r in replies)


def test_the_emergency_card_works_when_the_database_is_gone(services: Services) -> None:
    services.companion.people.db.conn.close()
    replies = texts(services, "he is not breathing")
    assert "Call 999 now" in replies[0]
    other = texts(services, "hello")
    assert other and "went wrong" in other[0]


@pytest.mark.parametrize("command", ["/overdose", "/overdose@first48_bot"])
def test_overdose_command_needs_no_onboarding(services: Services, command: str) -> None:
    assert "Call 999 now" in texts(services, command)[0]


def test_the_card_follows_the_persons_country(services: Services) -> None:
    for step in ("/start",):
        services.companion.handle(Incoming(12, text=step))
    services.companion.handle(Incoming(12, callback="start:fr"))
    services.companion.handle(Incoming(12, callback="rel:today"))
    services.companion.handle(Incoming(12, text="Liège"))
    replies = texts(services, "il respire plus", chat=12)
    assert "Appelle le 112" in replies[0]
    crisis = texts(services, "je veux mourir", chat=12)
    assert "0800 32 123" in crisis[0]


def test_belgian_crisis_line_follows_the_language(services: Services) -> None:
    services.companion.handle(Incoming(13, text="/start"))
    services.companion.handle(Incoming(13, callback="start:nl"))
    services.companion.handle(Incoming(13, callback="rel:today"))
    services.companion.handle(Incoming(13, text="Antwerpen"))
    assert "1813" in texts(services, "ik wil dood", chat=13)[0]
    assert "0800 32 123" in texts(services, "je veux mourir", chat=13)[0]


@pytest.mark.parametrize(
    ("data", "card"), [("overdose", "overdose-card"), ("crisis", "crisis-card")]
)
def test_the_caution_line_buttons_open_the_cards_without_onboarding(
    services: Services, data: str, card: str
) -> None:
    (replies,) = talk(services, 77, f"tap:{data}")
    body = services.live.current.message(card, "en")
    assert body is not None and replies[0].emergency and "999" in replies[0].text
    assert replies[0].text.split("\n")[-1] == body.body.strip().split("\n")[-1]
