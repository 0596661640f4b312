"""Answer different people at the same time, each person's own updates strictly in order.

python-telegram-bot handles one update at a time unless told otherwise. Then one person's
question that waits a second for a slow Rasa holds up everyone behind it, an emergency too.
With this processor updates from different chats run concurrently, and updates from the same
chat still wait for each other, so a conversation never sees its own messages out of order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def order_key(update: object) -> object:
    """The chat whose updates must stay in order; the peer group counts as one chat."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None  # anything else: one shared queue


class PerChatOrder(BaseUpdateProcessor):
    """Concurrent across chats (at most ``working`` at once), in order within one."""

    def __init__(self, working: int = 64, waiting: int = 100_000) -> None:
        # PTB's own limit is taken before our chat lock, so a flood from one chat would fill
        # it and stall everyone else; it only bounds waiting tasks. Work is limited inside
        # the chat lock: one chat never holds more than one working place.
        super().__init__(waiting)
        self._working = asyncio.BoundedSemaphore(working)
        self._locks: dict[object, asyncio.Lock] = {}
        self._holders: dict[object, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        # asyncio.Lock is first come, first served, and PTB starts update tasks in the order
        # the updates arrived, so each chat's updates run in arrival order.
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock, self._working:
                await coroutine
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:  # nobody else waiting: forget the chat
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to clean up."""
