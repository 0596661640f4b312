"""The terminal adapter: the same conversation as one person, with a clock you can move."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from bot.companion import Incoming, Reply
from bot.dispatcher import Dispatcher
from bot.telegram_app import Services

CHAT_ID = 1
HELP = """Type as you would in Telegram. A number taps a button.
  ::wait 2h | 3d | 1w | 30m   move the clock forward and show what arrives
  ::location LAT LON          share a location
  ::sticker                   send a sticker
  ::quit                      leave"""
_TAG_RE = re.compile(r"<[^>]+>")
_DURATION_RE = re.compile(r"^(\d+)\s*([mhdw])$")


def parse_duration(text: str) -> timedelta | None:
    match = _DURATION_RE.match(text.strip().lower())
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "m": timedelta(minutes=amount),
        "h": timedelta(hours=amount),
        "d": timedelta(days=amount),
        "w": timedelta(weeks=amount),
    }[unit]


class Terminal:
    def __init__(self, services: Services, out: TextIO = sys.stdout) -> None:
        self.services = services
        self.out = out
        self.buttons: list[str] = []
        self.dispatcher = Dispatcher(
            services.companion,
            services.outbox,
            self._deliver,
            services.clock,
            rate=1000,
            batch_seconds=1,
            per_chat_interval=0,
        )

    async def _deliver(self, chat_id: int, reply: Reply) -> None:
        self.show(reply, reminder=True)

    def show(self, reply: Reply, reminder: bool = False) -> None:
        when = self.services.clock.now().astimezone(self.services.settings.zone)
        text = html.unescape(_TAG_RE.sub("", reply.text))
        label = "reminder" if reminder else "first48"
        print(f"\n[{when:%a %d %b %H:%M}] {label}:", file=self.out)
        for line in text.splitlines():
            print(f"  {line}", file=self.out)
        if reply.ask_location:
            print("  (::location LAT LON to share your location)", file=self.out)
        for row in reply.buttons:
            cells = []
            for button in row:
                self.buttons.append(button.data)
                cells.append(f"[{len(self.buttons)}] {button.label}")
            print("  " + "   ".join(cells), file=self.out)

    async def say(self, incoming: Incoming) -> None:
        self.buttons = []
        incoming = await self.services.incoming_for_text(incoming)
        for reply in self.services.companion.handle(incoming):
            self.show(reply)

    async def flush(self) -> None:
        """Send everything that is due now."""
        while await self.dispatcher.tick():
            pass

    async def step(self, line: str) -> bool:
        """Handle one line of input; False means quit."""
        line = line.strip()
        if line in ("::quit", "::q", "::exit"):
            return False
        if line.startswith("::wait"):
            delta = parse_duration(line[len("::wait") :])
            if delta is None:
                print("  ::wait needs a duration like 2h, 3d or 1w", file=self.out)
                return True
            # Move in hour steps so each reminder shows at the time it arrives.
            target = self.services.clock.now() + delta
            while self.services.clock.now() < target:
                self.services.clock.advance(
                    min(timedelta(minutes=30), target - self.services.clock.now())
                )
                await self.flush()
            return True
        if line.startswith("::location"):
            try:
                lat, lon = (float(v) for v in line.split()[1:3])
            except ValueError:
                print("  ::location needs two numbers", file=self.out)
                return True
            await self.say(Incoming(CHAT_ID, location=(lat, lon)))
        elif line == "::sticker":
            await self.say(Incoming(CHAT_ID, media="sticker"))
        elif line.isdigit() and 0 < int(line) <= len(self.buttons):
            await self.say(Incoming(CHAT_ID, callback=self.buttons[int(line) - 1]))
        elif line:
            await self.say(Incoming(CHAT_ID, text=line))
        await self.flush()
        return True

    async def run(self, read: Callable[[], str] = input) -> None:
        print(HELP, file=self.out)
        await self.step("/start")
        while True:
            try:
                line = read()
            except EOFError:
                break
            if not await self.step(line):
                break
