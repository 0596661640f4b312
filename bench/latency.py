"""Reply latency with many people chatting at once: the real bot process, Telegram on loopback.

The bot (`python -m bot.cli run`, the real python-telegram-bot Application, long polling) talks
to the fake Bot API server (tests/fakebotapi.py), which runs in this process. Each simulated
person goes through onboarding, then writes, waits for the answer, pauses (5-15 s, as people
typing on a phone do) and writes again: mostly plain questions, one message in ten an
emergency. Latency is from the moment the fake hands the message to the bot's waiting
getUpdates call to the moment the bot's first reply reaches the fake (both on the fake's clock).
Reminders fall due for everyone at once during the run, so the dispatcher works meanwhile.

    .venv/bin/python bench/latency.py                      # Rasa up at RASA_URL (default :5005)
    .venv/bin/python bench/latency.py --rasa down          # Rasa unreachable: the fallback
    .venv/bin/python bench/latency.py --people 200 --seconds 90

Targets on a 2-core machine: p99 <= 150 ms with Rasa up; emergency p99 <= 50 ms, Rasa up or down.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakebotapi import FakeBotAPI  # noqa: E402

TOKEN = "123456:bench-token-for-the-fake-api"
QUESTIONS = [
    "where can I get naloxone round here",
    "how much should I use now I'm out",
    "I've got nowhere to sleep tonight",
    "when does the chemist open for my methadone",
    "feeling really low today to be honest",
    "is it safer to smoke it than to inject",
    "what's the difference between naloxone and naltrexone",
    "my script runs out on Saturday what do I do",
    "can you remind me about my appointment",
    "bored out of my head, nothing to do all day",
]
EMERGENCIES = [
    "he's not breathing",
    "my mate's gone blue and won't wake up",
    "I think I'm overdosing",
    "she's snoring weird and I can't wake her",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _buttons(params: dict) -> list[str]:
    markup = params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b.get("callback_data") or b.get("text") for row in rows for b in row]


class Inbox(threading.Thread):
    """Follows the fake's call log and wakes the person a message is for.

    (The fake's own ``wait_for`` wakes every waiting thread to rescan the whole log on each
    call: fine for tests, but with a hundred people it would eat the CPU the bot needs.)
    """

    def __init__(self, api: FakeBotAPI) -> None:
        super().__init__(daemon=True)
        self.api = api
        self.lock = threading.Lock()
        self.boxes: dict[int, list[dict]] = {}
        self.events: dict[int, threading.Event] = {}

    def run(self) -> None:
        seen = 0
        while True:
            calls = self.api.calls[seen:]
            for call in calls:
                if call.status is None:
                    break  # still being answered: look again
                seen += 1
                if call.method.lower() == "sendmessage" and call.ok:
                    chat = call.params.get("chat_id")
                    with self.lock:
                        self.boxes.setdefault(chat, []).append(call.params)
                        self.events.setdefault(chat, threading.Event()).set()
            time.sleep(0.002)

    def take(self, chat: int) -> list[dict]:
        with self.lock:
            self.events.setdefault(chat, threading.Event()).clear()
            return self.boxes.pop(chat, [])

    def wait(self, chat: int, timeout: float) -> None:
        with self.lock:
            event = self.events.setdefault(chat, threading.Event())
        event.wait(timeout)


class Person(threading.Thread):
    def __init__(
        self, api: FakeBotAPI, inbox: Inbox, chat: int, start: threading.Barrier, seed: int
    ) -> None:
        super().__init__(daemon=True)
        self.api, self.inbox, self.chat, self.start_together = api, inbox, chat, start
        self.until = 0.0  # set by the barrier's action, when everyone is onboarded
        self.think = (5.0, 15.0)  # seconds between an answer and the next message
        self.random = random.Random(seed)
        self.sent: list[tuple[float, str]] = []  # (push time on the fake's clock, kind)
        self.error: str | None = None

    def _reply(self, predicate: object = None) -> dict:
        """Wait for the bot's next message to this person (matching ``predicate``)."""
        deadline = time.monotonic() + 30
        while True:
            for params in self.inbox.take(self.chat):
                if predicate is None or predicate(params):
                    return params
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer to chat {self.chat} within 30 s")
            self.inbox.wait(self.chat, 0.5)

    def onboard(self) -> None:
        api, chat = self.api, self.chat
        api.send_text(chat, "/start")
        self._reply(lambda p: "start:en" in _buttons(p))
        api.press(chat, "start:en")
        self._reply(lambda p: "rel:today" in _buttons(p))
        api.press(chat, "rel:today")
        self._reply(lambda p: (p.get("reply_markup") or {}).get("keyboard"))
        api.send_text(chat, "Leeds")
        self._reply(lambda p: "ost:yes" in _buttons(p))
        api.press(chat, "ost:yes")
        self._reply(lambda p: "housed:yes" in _buttons(p))
        api.press(chat, "housed:yes")
        self._reply(lambda p: "overdose" in _buttons(p))

    def run(self) -> None:
        try:
            self.onboard()
            self.start_together.wait()
            # Not all in the same instant: a hundred messages at once would wait for Telegram's
            # 30 messages a second whatever the bot did.
            time.sleep(self.random.uniform(0, self.think[1]))
            while time.monotonic() < self.until:
                emergency = self.random.random() < 0.1
                text = self.random.choice(EMERGENCIES if emergency else QUESTIONS)
                pushed = time.monotonic()
                self.api.send_text(self.chat, text)
                self.sent.append((pushed, "emergency" if emergency else "question"))
                self._reply()
                time.sleep(self.random.uniform(*self.think))
        except AssertionError as exc:
            self.error = str(exc)[:200]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def first_reply_latencies(api: FakeBotAPI, people: list[Person]) -> dict[str, list[float]]:
    """Milliseconds from each push to the first successful sendMessage to that chat after it."""
    sends: dict[int, list[float]] = {}
    for call in api.calls:
        if call.method.lower() == "sendmessage" and call.ok:
            sends.setdefault(call.params.get("chat_id"), []).append(call.at)
    found: dict[str, list[float]] = {"question": [], "emergency": []}
    slow: list[tuple[float, float, str]] = []
    for person in people:
        times = sends.get(person.chat, [])
        for pushed, kind in person.sent:
            after = [t for t in times if t >= pushed]
            if after:
                found[kind].append((min(after) - pushed) * 1000)
                slow.append(((min(after) - pushed) * 1000, pushed, kind))
    if os.environ.get("BENCH_SLOWEST"):
        start = min(p for _, p, _ in slow)
        for ms, pushed, kind in sorted(slow)[-15:]:
            print(f"  slowest: {ms:.0f} ms at +{pushed - start:.1f} s ({kind})")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rasa", choices=["up", "down"], default="up")
    parser.add_argument("--seed", type=int, default=48)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(5.0, 15.0),
        metavar=("MIN", "MAX"),
        help="seconds a person waits after an answer before writing again (default 5 15)",
    )
    args = parser.parse_args()

    rasa_url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    if args.rasa == "down":
        rasa_url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    api = FakeBotAPI(token=TOKEN).start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TELEGRAM_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "FIRST48_DATABASE": str(Path(tmp) / "bench.db"),
            "RASA_URL": rasa_url,
            "FIRST48_LOG_LEVEL": "WARNING",
        }
        bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, cwd=ROOT)
        try:
            while not any(c.method.lower() == "getupdates" for c in api.calls):
                if bot.poll() is not None:
                    raise SystemExit("the bot exited at start-up")
                time.sleep(0.05)
            started = time.monotonic()
            inbox = Inbox(api)
            inbox.start()
            people: list[Person] = []

            def load_starts() -> None:
                for person in people:
                    person.until = time.monotonic() + args.seconds

            start = threading.Barrier(args.people + 1, action=load_starts)
            people += [
                Person(api, inbox, 10_000 + i, start, args.seed + i) for i in range(args.people)
            ]
            for person in people:
                person.think = tuple(args.think)
                person.start()
                time.sleep(0.02)  # people arrive over a couple of seconds
            start.wait(timeout=600)
            print(f"{args.people} people onboarded in {time.monotonic() - started:.0f} s")
            for person in people:
                person.join(timeout=args.seconds + 120)
        finally:
            bot.send_signal(signal.SIGINT)
            bot.wait(timeout=30)
            api.stop()
    errors = [p.error for p in people if p.error]
    found = first_reply_latencies(api, people)
    total = sum(len(v) for v in found.values())
    print(
        f"\n{args.people} people, {args.seconds:.0f} s, Rasa {args.rasa}: {total} messages "
        f"({total / args.seconds:.1f}/s), {len(errors)} people without an answer"
    )
    print("| messages | count | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for kind, values in found.items():
        if values:
            print(
                f"| {kind} | {len(values)} | {statistics.median(values):.0f} | "
                f"{percentile(values, 0.95):.0f} | {percentile(values, 0.99):.0f} | "
                f"{max(values):.0f} |"
            )
    for error in errors[:3]:
        print("no answer:", error)


if __name__ == "__main__":
    main()
