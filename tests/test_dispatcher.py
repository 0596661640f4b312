"""The dispatcher's answers to Telegram's errors, with a sender that records or raises."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.companion import Incoming, Reply
from bot.dispatcher import Dispatcher, SendBudget
from bot.outbox import MAX_ATTEMPTS
from bot.telegram_app import Services
from tests.conversation import onboard

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CHAT = 99


class Sender:
    """Records what was sent; raises the queued errors first."""

    def __init__(self, *errors: Exception, always: Exception | None = None) -> None:
        self.errors = list(errors)
        self.always = always
        self.sent: list[tuple[int, Reply]] = []

    async def __call__(self, chat_id: int, reply: Reply) -> None:
        if self.errors:
            raise self.errors.pop(0)
        if self.always is not None:
            raise self.always
        self.sent.append((chat_id, reply))


def status(services: Services, message_id: str = "tolerance-hour-zero") -> tuple:
    return services.outbox.db.execute(
        "SELECT status, reason, attempts FROM outbox WHERE message_id = ?", [message_id]
    ).fetchone()


def dispatcher(services: Services, sender: Sender) -> Dispatcher:
    return Dispatcher(
        services.companion, services.outbox, sender, services.clock, rate=1000, per_chat_interval=0
    )


async def test_a_due_reminder_is_sent_once(services: Services) -> None:
    onboard(services, CHAT)
    sender = Sender()
    d = dispatcher(services, sender)
    await d.tick()
    await d.tick()
    assert [r.text.count("Your old amount") for _, r in sender.sent] == [1]
    assert status(services)[0] == "sent"


async def test_a_timeout_is_retried_with_back_off(services: Services) -> None:
    onboard(services, CHAT)
    sender = Sender(TimedOut())
    d = dispatcher(services, sender)
    await d.tick()
    assert status(services)[0::2] == ("planned", 1)
    await d.tick()
    assert sender.sent == [], "not before the back-off has passed"
    services.clock.advance(timedelta(seconds=5))
    await d.tick()
    assert len(sender.sent) == 1 and status(services)[0] == "sent"


async def test_after_too_many_failures_the_row_fails_with_a_reason(services: Services) -> None:
    onboard(services, CHAT)
    sender = Sender(always=TimedOut())
    d = dispatcher(services, sender)
    for _ in range(MAX_ATTEMPTS * 4):
        await d.tick()
        services.clock.advance(timedelta(minutes=31))
    state, reason, _ = status(services)
    assert state == "failed" and reason.startswith(f"gave up after {MAX_ATTEMPTS} tries")


async def test_telegram_refusing_the_message_fails_it_without_retrying(services: Services) -> None:
    onboard(services, CHAT)
    d = dispatcher(services, Sender(BadRequest("Can't parse entities")))
    await d.tick()
    state, reason, _ = status(services)
    assert state == "failed" and "parse entities" in reason


async def test_429_holds_every_send_for_retry_after(services: Services) -> None:
    onboard(services, CHAT)
    sender = Sender(RetryAfter(30))
    d = dispatcher(services, sender)
    await d.tick()
    assert status(services)[0::2] == ("planned", 0), "a 429 is not a failed attempt"
    services.clock.advance(timedelta(seconds=31))
    await d.tick()
    assert sender.sent == [], "still inside retry_after in real time"


async def test_403_stops_everything_for_that_person(services: Services) -> None:
    onboard(services, CHAT)
    d = dispatcher(services, Sender(Forbidden("bot was blocked by the user")))
    await d.tick()
    assert status(services)[:2] == ("failed", "blocked by the person (403)")
    planned = services.outbox.db.execute(
        "SELECT count(*) FROM outbox WHERE status = 'planned'"
    ).fetchone()[0]
    assert planned == 0


async def test_paused_people_get_nothing(services: Services) -> None:
    onboard(services, CHAT)
    services.companion.handle(Incoming(CHAT, text="/pause"))
    sender = Sender()
    await dispatcher(services, sender).tick()
    assert sender.sent == []


async def test_the_send_budget_never_lets_more_than_its_limit_through_in_a_window() -> None:
    budget = SendBudget(limit=5, window=0.2)
    loop = asyncio.get_running_loop()
    taken: list[float] = []

    async def send(answer: bool) -> None:
        await budget.take(answer=answer)
        taken.append(loop.time())

    await asyncio.gather(*(send(i % 3 == 0) for i in range(20)))
    in_any_window = max(sum(1 for t in taken if s <= t < s + 0.2) for s in taken)
    assert in_any_window <= 5


async def test_an_answer_goes_ahead_of_waiting_reminders() -> None:
    budget = SendBudget(limit=2, window=0.2)
    order: list[str] = []

    async def send(kind: str) -> None:
        await budget.take(answer=kind == "answer")
        order.append(kind)

    reminders = [asyncio.create_task(send("reminder")) for _ in range(4)]
    await asyncio.sleep(0.01)  # one reminder out, three waiting for their turn
    await send("answer")
    await asyncio.gather(*reminders)
    assert order == ["reminder", "answer", "reminder", "reminder", "reminder"]


async def test_an_emergency_card_goes_ahead_of_waiting_answers_and_reminders() -> None:
    budget = SendBudget(limit=2, window=0.2)
    order: list[str] = []

    async def send(kind: str) -> None:
        await budget.take(answer=kind != "reminder", urgent=kind == "emergency")
        order.append(kind)

    kinds = ("reminder", "answer", "answer", "answer")
    waiting = [asyncio.create_task(send(kind)) for kind in kinds]
    await asyncio.sleep(0.01)  # the window is full (a reminder, an answer); two answers wait
    await send("emergency")
    await asyncio.gather(*waiting)
    assert order == ["reminder", "answer", "emergency", "answer", "answer"]


async def test_a_429_pauses_every_send_for_retry_after() -> None:
    budget = SendBudget()
    loop = asyncio.get_running_loop()
    budget.pause(0.3)
    started = loop.time()
    await budget.take()
    assert loop.time() - started >= 0.3
