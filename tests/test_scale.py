"""At 100,000 people the bot's hot queries must stay index lookups (timings: bench/scale.py)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.telegram_app import Services
from tests.botharness import Harness
from tests.conversation import onboard, talk
from tests.hotqueries import full_scans, hot_queries, plan
from tests.test_reminders import NEW_MESSAGE


def test_what_the_bot_asks_every_round_and_message_never_reads_every_row(
    services: Services,
) -> None:
    for chat in (31, 32, 33):
        onboard(services, chat)
    talk(services, 33, "/pause")  # the claim also skips what falls due while paused
    db = services.companion.people.db
    queries = hot_queries(db, 31, services.clock.now())
    assert queries["dispatch round"] and queries["health check"], "nothing was captured"
    report = {
        name: {sql: plan(db, sql) for sql in statements} for name, statements in queries.items()
    }
    scans = {
        f"{name}: {sql}": full_scans(sql, steps)
        for name, plans in report.items()
        for sql, steps in plans.items()
        if full_scans(sql, steps)
    }
    assert not scans, scans


def test_what_falls_due_while_paused_leaves_the_queue_at_the_next_round(
    services: Services,
) -> None:
    onboard(services, 34)
    talk(services, 34, "/pause")
    now = services.clock.now()
    assert services.outbox.claim_due(now, limit=20) == []
    db = services.companion.people.db
    rows = db.execute(
        "SELECT status, reason, COUNT(*) FROM outbox GROUP BY status, reason"
    ).fetchall()
    due = [(status, reason) for status, reason, _ in rows if status != "planned"]
    assert due == [("skipped", "paused")], "the one due row is skipped as on resume"
    assert any(status == "planned" for status, _, _ in rows), "what comes later stays"
    talk(services, 34, "/resume")
    services.clock.advance(timedelta(hours=2))
    assert [d.message_id for d in services.outbox.claim_due(services.clock.now(), 20)] == [
        "dose-half-and-wait"
    ]


async def test_an_emergency_card_does_not_wait_for_everyone_to_be_re_planned(
    bot: Harness,
) -> None:
    companion = bot.services.companion
    now = companion.clock.now()
    for chat in range(100_000, 101_500):  # 1,500 people: re-planning them takes seconds
        person = companion.people.create(chat, "en", "Europe/London", now)
        companion.people.update(person.id, released_at=now, step="done")
        companion.replan(companion.people.by_chat(chat))  # type: ignore[arg-type]
    path = bot.services.settings.database

    def replanned() -> int:
        with sqlite3.connect(path) as db:
            return db.execute(
                "SELECT COUNT(*) FROM outbox WHERE message_id = 'brand-new-message'"
            ).fetchone()[0]

    timeline = Path(bot.services.settings.content_dir) / "en" / "timeline.yml"
    timeline.write_text(timeline.read_text() + NEW_MESSAGE)  # the reload job re-plans all
    await bot.until(lambda: replanned() > 0, timeout=10)
    await bot.say("he's not breathing")
    await bot.expect("Call 999 now")
    assert replanned() < 1_500, "the card came while re-planning went on"
    await bot.until(lambda: replanned() == 1_500, timeout=120)
