"""Privacy: no message text in logs, nothing kept that could identify or locate a person."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.clock import Clock
from bot.companion import Incoming
from bot.telegram_app import Services

SECRET = "my dealer on Harrow Road"


@pytest.mark.parametrize("text", [SECRET, f"he's not breathing at {SECRET}"])
def test_message_text_is_never_logged(
    services: Services, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    caplog.set_level(logging.DEBUG)
    for step in ("/start", None, text, "tap:rel:today", text):
        if step is None:
            services.companion.handle(Incoming(5, callback="start:en"))
        elif step.startswith("tap:"):
            services.companion.handle(Incoming(5, callback=step[4:]))
        else:
            services.companion.handle(Incoming(5, text=step))
    assert SECRET not in caplog.text
    assert "Harrow" not in caplog.text


def test_nothing_about_the_person_is_stored_before_consent(services: Services) -> None:
    services.companion.handle(Incoming(6, text="/start", language_hint="fr"))
    services.companion.handle(Incoming(6, text="hello"))
    services.companion.handle(Incoming(6, callback="decline"))
    assert services.outbox.db.execute("SELECT count(*) FROM people").fetchone()[0] == 0


def test_reminders_hide_their_words_from_the_lock_screen(services: Services) -> None:
    for step in ("/start",):
        services.companion.handle(Incoming(8, text=step))
    services.companion.handle(Incoming(8, callback="start:en"))
    services.companion.handle(Incoming(8, callback="rel:today"))
    person = services.companion.people.by_chat(8)
    assert person is not None
    for message in services.live.current.timeline:
        reply = services.companion.render_reminder(person, message.id)
        assert reply is not None and reply.protect
        first_line = reply.text.split("\n")[0]
        assert first_line == "Hi 👋 A new note for you."
        assert reply.text.count("<tg-spoiler>") == 1 and reply.text.endswith("</tg-spoiler>")


def test_people_are_deleted_a_year_after_their_last_timeline_message(
    services: Services, clock: Clock
) -> None:
    from tests.conversation import onboard, talk

    onboard(services, 81)  # released today: the last timeline message is due in 12 months
    onboard(services, 82)
    clock.advance(timedelta(days=400))
    assert services.companion.delete_expired() == 0, "the last message was only weeks ago"
    talk(services, 82, "/menu")  # this one still writes to the bot now and then
    clock.advance(timedelta(days=340))
    assert services.companion.delete_expired() == 1
    db = services.companion.people.db
    people = [r[0] for r in db.execute("SELECT chat_id FROM people")]
    assert people == [82]
    orphans = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE person_id NOT IN (SELECT id FROM people)"
    ).fetchone()[0]
    assert orphans == 0
