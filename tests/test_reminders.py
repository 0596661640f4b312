"""Planning reminders through the conversation: late joiners, changed dates, content changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import Clock
from bot.companion import Incoming
from bot.telegram_app import Services
from tests.conversation import onboard, texts

CHAT = 7


def outbox(services: Services) -> dict[str, tuple[str, str | None]]:
    rows = services.outbox.db.execute(
        "SELECT message_id, status, reason FROM outbox ORDER BY due_at"
    ).fetchall()
    return {message_id: (status, reason) for message_id, status, reason in rows}


def test_late_joiner_gets_one_message_now_and_the_rest_skipped(services: Services) -> None:
    texts(services, CHAT, "/start", "tap:start:en", "3 weeks ago")
    rows = outbox(services)
    due_now = services.outbox.claim_due(services.clock.now(), 100)
    assert len(due_now) == 1, "exactly one catch-up message, not a burst"
    assert rows[due_now[0].message_id][0] == "planned"
    skipped = [m for m, (status, reason) in rows.items() if status == "skipped"]
    assert len(skipped) >= 20
    assert all(rows[m][1] == "joined late" for m in skipped)
    # The catch-up is one of the most important messages they missed.
    chosen = services.live.current.message(due_now[0].message_id, "en")
    assert chosen is not None and chosen.priority == "critical"
    assert [m for m, (status, _) in rows.items() if status == "planned"][1:], "future ones planned"


def test_changing_the_release_day_recomputes_what_is_pending(services: Services) -> None:
    clock: Clock = services.clock
    onboard(services, CHAT)
    before = dict(
        services.outbox.db.execute(
            "SELECT message_id, due_at FROM outbox WHERE status = 'planned'"
        ).fetchall()
    )
    texts(services, CHAT, "/settings", "tap:set:release", "tomorrow")
    after = dict(
        services.outbox.db.execute(
            "SELECT message_id, due_at FROM outbox WHERE status = 'planned'"
        ).fetchall()
    )
    moved = [m for m in after if m in before and after[m] > before[m]]
    assert len(moved) >= 20, "pending messages moved to the new release day"
    assert clock.now() is not None


def test_answers_change_which_messages_are_planned(services: Services) -> None:
    texts(
        services,
        CHAT,
        "/start",
        "tap:start:en",
        "tap:rel:today",
        "tap:area:skip",
        "tap:ost:yes",
        "tap:housed:yes",
    )
    on_ost = set(outbox(services))
    texts(services, CHAT, "/settings")  # nothing changes by looking
    services.companion.handle(Incoming(CHAT, callback="ost:no"))
    not_on_ost = set(outbox(services))
    assert on_ost != not_on_ost


# A timeline message added to the content folder while the bot runs.
NEW_MESSAGE = """
  - id: brand-new-message
    topic: feelings
    when: 3 days after
    priority: normal
    author: peer writer (test)
    reviewer: peer reviewer (test)
    body: |
      A new message from the peer team.
"""


def test_new_content_reaches_people_without_a_restart(services: Services) -> None:
    onboard(services, CHAT)
    timeline = Path(services.settings.content_dir) / "en" / "timeline.yml"
    timeline.write_text(timeline.read_text() + NEW_MESSAGE)
    assert services.reload_content()
    assert outbox(services)["brand-new-message"] == ("planned", None)
    person = services.companion.people.by_chat(CHAT)
    assert person is not None
    reply = services.companion.render_reminder(person, "brand-new-message")
    assert reply is not None and "A new message from the peer team." in reply.text


def test_a_retired_message_is_not_sent(services: Services) -> None:
    onboard(services, CHAT)
    timeline = Path(services.settings.content_dir) / "en" / "timeline.yml"
    text = timeline.read_text()
    start = text.index("  - id: dose-half-and-wait")
    end = text.index("  - id:", start + 10)
    timeline.write_text(text[:start] + text[end:])
    assert services.reload_content()
    assert "dose-half-and-wait" not in outbox(services)


def test_reminders_use_the_persons_time_zone(services: Services) -> None:
    # The clock says Tuesday 3 March 2026, 09:00 UTC; Berlin is UTC+1 then.
    message_id = next(
        m.id
        for m in services.live.current.timeline
        if m.when
        and m.when.unit == "at"
        and m.when.amount == 2
        and m.when.at
        and m.when.at.hour == 9
        and not m.conditions
    )
    texts(services, CHAT, "/start", "tap:start:en", "tap:rel:today", "Berlin")
    person = services.companion.people.by_chat(CHAT)
    assert person is not None and person.timezone == "Europe/Berlin"
    ((due,),) = services.outbox.db.execute(
        "SELECT due_at FROM outbox WHERE message_id = ?", [message_id]
    ).fetchall()
    assert due.startswith("2026-03-04T08:00"), "day 2 at 09:00 in Berlin is 08:00 UTC"


def test_nothing_is_planned_twice(services: Services) -> None:
    texts(services, CHAT, "/start", "tap:start:en", "tap:rel:today")
    for _ in range(3):
        texts(services, CHAT, "/settings", "tap:set:area", "Leeds")
    counts = services.outbox.db.execute(
        "SELECT message_id, count(*) FROM outbox GROUP BY message_id HAVING count(*) > 1"
    ).fetchall()
    assert counts == []


def test_clock_moves_only_forward() -> None:
    clock = Clock()
    try:
        clock.advance(timedelta(seconds=-1))
    except ValueError:
        return
    raise AssertionError("moving the clock back must fail")


def test_another_day_asks_for_the_day_and_the_typed_day_is_used(services: Services) -> None:
    replies = texts(services, CHAT, "/start", "tap:start:en", "tap:rel:other")
    assert replies[-1].startswith("Type the day")
    assert "Got it: released Sun 1/3." in texts(services, CHAT, "2 days ago")
    assert services.companion.people.by_chat(CHAT).step == "area"  # type: ignore[union-attr]
