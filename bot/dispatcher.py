"""Delivers due reminders from the outbox, within Telegram's limits, and handles its errors."""

from __future__ import annotations

import asyncio
import logging
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


class Dispatcher:
    """One ``tick`` claims what is due and sends it, spaced to stay under ``rate`` per second."""

    def __init__(
        self,
        companion: Companion,
        outbox: Outbox,
        send: Sender,
        clock: Clock,
        rate: float = 20.0,
        batch_seconds: float = 1.0,
        per_chat_interval: float = 1.0,
    ) -> None:
        self.companion = companion
        self.outbox = outbox
        self.send = send
        self.clock = clock
        self.rate = rate
        self.batch_seconds = batch_seconds
        self.per_chat_interval = per_chat_interval  # Telegram: one message per chat per second
        self.hold_until = 0.0  # loop time before which Telegram asked us not to send (429)
        self._last_send: dict[int, float] = {}  # person id -> loop time of their last message

    async def tick(self) -> int:
        """Send one batch; return how many rows were claimed.

        Sends go one at a time, so a crash leaves at most one message whose delivery we
        could not record: after a restart that one is sent again, nothing is lost.
        """
        now = self.clock.now()
        loop = asyncio.get_running_loop()
        if loop.time() < self.hold_until:
            return 0
        limit = max(1, int(self.rate * self.batch_seconds))
        self._last_send = {
            p: t for p, t in self._last_send.items() if loop.time() - t < self.per_chat_interval
        }
        batch = self.outbox.claim_due(now, limit, frozenset(self._last_send))
        for index, due in enumerate(batch):
            if loop.time() < self.hold_until:
                stamp = self.clock.now()
                for waiting in batch[index:]:
                    self.outbox.retry_at(
                        waiting, stamp, stamp, "waiting for Telegram (429)", count_attempt=False
                    )
                break
            started = loop.time()
            await self._deliver(due)
            await asyncio.sleep(max(0.0, 1 / self.rate - (loop.time() - started)))
        return len(batch)

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
        try:
            await self.send(due.chat_id, reply)
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            logger.warning("Telegram asked us to wait %.0f s (429)", wait)
            self.hold_until = asyncio.get_running_loop().time() + wait
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
