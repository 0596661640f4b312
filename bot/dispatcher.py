"""Delivers due reminders from the outbox, within Telegram's limits, and handles its errors."""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.clock import Clock
from bot.companion import Companion, Reply
from bot.outbox import Due, Outbox, backoff

logger = logging.getLogger(__name__)

Sender = Callable[[int, Reply], Awaitable[object]]

# Telegram answers 429 past 30 messages a second in all; one below that leaves room for the
# network to bunch a few messages together on their way.
TELEGRAM_PER_SECOND = 29
TICK_SECONDS = 5.0  # how long one dispatch round may go on sending a backlog


class SendBudget:
    """Every message the bot sends, counted in a sliding window: at most ``limit`` a second.

    Answers to people and reminders share it. Answers go first: a reminder waits while
    anyone is waiting for an answer, so nobody queues behind a backlog. Reminders are also
    spaced at least ``window / limit`` apart (Telegram counts arrivals, and a burst that the
    network delays unevenly could arrive as more than 30 in one second); answers are not, as
    someone is waiting for each: spacing them cost a busy minute's p99 ~250 ms against ~115 ms
    (bench/latency.py), and the limit of ``limit`` a window still holds for them.
    """

    def __init__(self, limit: int = TELEGRAM_PER_SECOND, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self.hold_until = 0.0  # loop time before which Telegram asked us not to send (429)
        self._sent: deque[float] = deque()
        self._answers_waiting = 0
        self._urgent_waiting = 0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing is sent until ``seconds`` have passed."""
        until = asyncio.get_running_loop().time() + seconds
        self.hold_until = max(self.hold_until, until)

    @property
    def spacing(self) -> float:
        # A little under window/limit: measured from the last send's start, a full gap plus
        # each sleep's overshoot held reminders to ~27.5 a second. The window still caps.
        return 0.9 * self.window / self.limit

    def wait(self, spaced: bool = True) -> float:
        """Seconds until a place is free (0 if one is free now)."""
        now = asyncio.get_running_loop().time()
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        wait = self.hold_until - now
        if self._sent and spaced:
            wait = max(wait, self._sent[-1] + self.spacing - now)
        if len(self._sent) >= self.limit:
            wait = max(wait, self._sent[len(self._sent) - self.limit] + self.window - now)
        return max(0.0, wait)

    async def take(self, answer: bool = True, urgent: bool = False) -> None:
        """Wait for a place (and for any 429 pause to end), then take it.

        Emergency cards (``urgent``) go first of all, then answers, reminders last. Only
        reminders are spaced; nothing is ever sent beyond ``limit`` in a window.
        """
        answer = answer or urgent
        if urgent:
            self._urgent_waiting += 1
        if answer:
            self._answers_waiting += 1
        try:
            while (
                (wait := self.wait(spaced=not answer)) > 0
                or (not urgent and self._urgent_waiting)
                or (not answer and self._answers_waiting)
            ):
                await asyncio.sleep(wait or self.spacing / 4)
        finally:
            if answer:
                self._answers_waiting -= 1
            if urgent:
                self._urgent_waiting -= 1
        self._sent.append(asyncio.get_running_loop().time())


class Dispatcher:
    """One ``tick`` sends what is due at ``rate`` per second, for up to about five seconds.

    ``batch_seconds`` is the dispatch job's interval. A tick with a backlog runs through
    several intervals (the job skips its turns meanwhile) and stops starting sends a tenth of
    an interval before one of its turns, so the next tick starts on time; the few send slots
    missed in between are caught up. Five seconds bound how long a shutdown waits for a tick.
    """

    def __init__(
        self,
        companion: Companion,
        outbox: Outbox,
        send: Sender,
        clock: Clock,
        rate: float = 28.5,
        batch_seconds: float = 1.0,
        per_chat_interval: float = 1.0,
        budget: SendBudget | None = None,
    ) -> None:
        """Without ``budget``, one of its own: Telegram's limit, or ``rate`` if above it."""
        self.companion = companion
        self.outbox = outbox
        self.send = send
        self.clock = clock
        self.rate = rate
        self.batch_seconds = batch_seconds
        self.per_chat_interval = per_chat_interval  # Telegram: one message per chat per second
        self.budget = budget or SendBudget(max(TELEGRAM_PER_SECOND, int(rate) + 1))
        self._last_send: dict[int, float] = {}  # person id -> loop time of their last message
        self._next_slot = 0.0  # loop time of the next send slot at ``rate``

    async def tick(self) -> int:
        """Send what is due until shortly before the next tick; return how many rows were claimed.

        Sends go one at a time, so a crash leaves at most one message whose delivery we
        could not record: after a restart that one is sent again, nothing is lost.
        """
        loop = asyncio.get_running_loop()
        turns = max(1, round(TICK_SECONDS / self.batch_seconds))
        deadline = loop.time() + (turns - 0.1) * self.batch_seconds
        claimed = 0
        while loop.time() < deadline and loop.time() >= self.budget.hold_until:
            now = loop.time()
            self._last_send = {
                p: t for p, t in self._last_send.items() if now - t < self.per_chat_interval
            }
            # Claim about what fits before the deadline; small claims keep rows 'planned'
            # (not 'sending') for as long as possible.
            slots = math.ceil((deadline - now) * self.rate) + self._carried_slots(now)
            limit = max(1, min(slots, math.ceil(self.rate / 4)))
            batch = self.outbox.claim_due(self.clock.now(), limit, frozenset(self._last_send))
            if not batch:
                break
            claimed += len(batch)
            for index, due in enumerate(batch):
                if self._ready_at(loop.time()) >= deadline:
                    # Running late (a slow answer, a full budget): the next tick takes over.
                    self.outbox.unclaim(batch[index:], self.clock.now())
                    return claimed - (len(batch) - index)
                if loop.time() < self.budget.hold_until:
                    stamp = self.clock.now()
                    for waiting in batch[index:]:
                        self.outbox.retry_at(
                            waiting, stamp, stamp, "waiting for Telegram (429)", count_attempt=False
                        )
                    return claimed
                await self._pace()
                await self._deliver(due)
        return claimed

    def _carried_slots(self, now: float) -> int:
        return max(0, int((now - self._next_slot) * self.rate))

    def _ready_at(self, now: float) -> float:
        """When the next send may start, by the pace and by the budget."""
        return max(now + self.budget.wait(), self._next_slot)

    async def _pace(self) -> None:
        """Wait for the next slot at ``rate``; slots missed between ticks may be used at once."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        carry = max(1.0, 0.5 * self.rate)  # caught up no faster than the budget allows
        self._next_slot = max(self._next_slot, now - carry / self.rate)
        if self._next_slot > now:
            await asyncio.sleep(self._next_slot - now)
        self._next_slot += 1 / self.rate

    async def _deliver(self, due: Due) -> None:
        now = self.clock.now()
        self._last_send[due.person_id] = asyncio.get_running_loop().time()
        person = self.companion.people.by_id(due.person_id)
        if person is None:
            return  # forgotten meanwhile: the row went with them
        reply = self.companion.render_reminder(person, due.message_id)
        if reply is None:
            self.outbox.mark_skipped(due.row_id, now, "message retired from content")
            return
        await self.budget.take(answer=False)  # last, so it is counted close to the wire
        try:
            await self.send(due.chat_id, reply)
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            logger.warning("Telegram asked us to wait %.0f s (429)", wait)
            self.budget.pause(wait)
            stamp = self.clock.now()
            self.outbox.retry_at(
                due,
                stamp + timedelta(seconds=wait),
                stamp,
                "429 flood control",
                count_attempt=False,
            )
        except Forbidden:
            # The person blocked the bot: stop, and never retry.
            logger.info("a person blocked the bot; their reminders are stopped")
            stamp = self.clock.now()
            self.outbox.mark_failed(due.row_id, stamp, "blocked by the person (403)")
            self.companion.people.mark_blocked(due.person_id, stamp)
            self.outbox.skip_pending(due.person_id, "blocked by the person", stamp)
        except BadRequest as exc:
            logger.error("Telegram refused reminder %s: %s", due.message_id, exc.message)
            self.outbox.mark_failed(due.row_id, self.clock.now(), f"refused: {exc.message}")
        except (TimedOut, NetworkError) as exc:
            # TimedOut is a NetworkError; 5xx answers arrive as NetworkError too.
            stamp = self.clock.now()
            logger.warning("sending failed (%s); will retry", type(exc).__name__)
            self.outbox.retry_at(
                due, stamp + backoff(due.attempts), stamp, f"{type(exc).__name__}: {exc.message}"
            )
        except TelegramError as exc:
            stamp = self.clock.now()
            logger.error("unexpected Telegram error (%s); will retry", type(exc).__name__)
            self.outbox.retry_at(due, stamp + backoff(due.attempts), stamp, type(exc).__name__)
        else:
            self.outbox.mark_sent(due.row_id, self.clock.now())


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's wait in seconds (PTB gives an int, or a timedelta with PTB_TIMEDELTA set)."""
    wait = error.retry_after
    if isinstance(wait, timedelta):
        return wait.total_seconds()
    return float(wait)
