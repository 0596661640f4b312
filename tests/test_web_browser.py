"""The web app in real headless Chromium: a phone, the keyboard, labels, contrast, then the bot.

The studio test runs the way `first48 run` does: the real Application polling a Bot API server on
loopback, with the web app served in the same event loop (here in a thread of its own, because
Playwright's sync API holds the test's thread).

Uses Debian's chromium (/usr/bin/chromium; Playwright's own browser download is not used).
CI sets FIRST48_REQUIRE_BROWSER=1, so a missing browser fails there instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bot.accounts import Accounts
from bot.clock import Clock
from bot.directory import search
from bot.settings import Secret, Settings
from bot.telegram_app import Services
from bot.web import create_app
from bot.web.server import EmbeddedServer
from tests.botharness import CHAT, Harness
from tests.conftest import TOKEN, with_api
from tests.conversation import onboard, talk
from tests.fakebotapi import FakeBotAPI

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"

if not CHROMIUM.exists() and os.environ.get("FIRST48_REQUIRE_BROWSER"):
    raise RuntimeError(
        "FIRST48_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)"
    )
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="headless Chromium is not installed (apt-get install chromium; .ci/run does)",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api")

# Inputs a person can reach that have no label (a <label>, aria-label or aria-labelledby).
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

# Text whose contrast with the background behind it is below 4.5:1 (WCAG AA).
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!text || el.closest('.visually-hidden, .skip')) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const what = `${el.tagName} "${el.textContent.trim().slice(0, 30)}"`;
    if (ratio < 4.5) bad.push(`${what} ${ratio.toFixed(2)}`);
  }
  return bad;
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Plain http on loopback: the Secure cookie flag would stop the browser sending it back.
    return replace(settings, web_session_key=Secret("b" * 40), web_https_only=False)


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(services), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not web.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _phone(browser: object) -> object:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    # A stylesheet or anything else the Content-Security-Policy blocks is reported here.
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text else None)
    page.problems = problems
    return page


def _check_page(page: object, name: str) -> None:
    """Every input labelled, no sideways scrolling at 390 px, contrast ≥ 4.5:1, CSS loaded."""
    assert page.evaluate(UNLABELLED) == [], name  # type: ignore[attr-defined]
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name}: scrolls sideways at 390 px"  # type: ignore[attr-defined]
    assert page.evaluate(LOW_CONTRAST) == [], name  # type: ignore[attr-defined]
    header = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")  # type: ignore[attr-defined]
    assert header == "rgb(27, 27, 27)", f"{name}: the stylesheet did not load"
    assert page.locator("html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    assert page.problems == [], name  # type: ignore[attr-defined]


def _focused(page: object) -> str:
    return page.evaluate(  # type: ignore[attr-defined, no-any-return]
        "() => { const el = document.activeElement;"
        " return (el.id || el.name || el.textContent || '').trim(); }"
    )


def test_a_service_registers_on_a_phone_and_a_moderator_approves_it(
    server: str, browser: object, services: Services
) -> None:
    page = _phone(browser)
    page.goto(server + "/")
    _check_page(page, "/")

    # The keyboard alone: the skip link first, then into the page and on to the form.
    page.keyboard.press("Tab")
    assert _focused(page) == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused(page) == "Register a service"
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/register")
    _check_page(page, "/register")

    page.focus("#field-name")
    page.keyboard.type("Leeds Recovery Hub")
    page.keyboard.press("Tab")
    assert _focused(page) == "kinds-ost_prescriber"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page) == "kinds-naloxone"
    page.keyboard.press("Space")
    assert page.is_checked("#kinds-ost_prescriber") and page.is_checked("#kinds-naloxone")
    page.select_option("#field-area_id", "leeds")
    page.fill("#field-address", "1 Example Street, Leeds LS1 1AA")
    page.focus("#field-phone")
    page.keyboard.type("call me")
    page.fill("#field-opening_hours", "Mo-Fr 09:00-17:00")
    page.check("#flags-walk_in")
    page.focus("button[type=submit]")
    page.keyboard.press("Enter")

    # The error, at the top and beside the field, with everything typed kept.
    page.wait_for_selector(".error-summary")
    summary = page.inner_text(".error-summary")
    assert "Phone number: Enter a phone number with digits only" in summary
    assert "digits only" in page.inner_text("#phone-error")
    assert page.get_attribute("#field-phone", "aria-describedby") == "phone-hint phone-error"
    assert page.input_value("#field-name") == "Leeds Recovery Hub"
    assert page.input_value("#field-phone") == "call me"
    assert page.is_checked("#kinds-naloxone") and page.is_checked("#flags-walk_in")
    _check_page(page, "/register with an error")
    page.focus(".error-summary a")
    page.keyboard.press("Enter")
    assert _focused(page) == "field-phone"  # the summary's link leads to the field

    page.fill("#field-phone", "+44 113 496 0000")
    page.focus("button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/register/done")
    assert "a moderator will check it before anyone sees it" in page.inner_text("h1")
    link = page.inner_text(".secret a")
    assert re.fullmatch(re.escape(server) + r"/edit/[\w-]+", link), link
    _check_page(page, "/register/done")
    assert _visible(services) == []  # nothing reaches a released person yet

    page.goto(link)
    assert "nobody sees this entry yet" in page.inner_text("main")
    _check_page(page, "/edit/<token>")
    for path in ("/login", "/logout", "/api/docs", "/nowhere"):
        page.goto(server + path)
        _check_page(page, path)

    # A moderator signs in (on another phone) and approves it.
    Accounts(services.directory.db).create_user(
        "moira", PASSWORD, "moderator", services.clock.now()
    )
    moderator = _phone(browser)
    moderator.goto(server + "/moderate")
    moderator.wait_for_url(server + "/login?next=/moderate")
    moderator.fill("#field-username", "moira")
    moderator.fill("#field-password", PASSWORD)
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(server + "/moderate")
    _check_page(moderator, "/moderate")
    moderator.click("text=Leeds Recovery Hub")
    moderator.wait_for_url(re.compile(r".*/moderate/\d+$"))
    _check_page(moderator, "/moderate/<id>")
    moderator.click("text=Approve and publish")
    moderator.wait_for_url(server + "/moderate")
    assert "is now shown to people" in moderator.inner_text("main")

    # The bot finds it: the same search the bot's contact answers use...
    assert _visible(services, "naloxone") == ["Leeds Recovery Hub"]
    assert _visible(services, "ost_prescriber") == ["Leeds Recovery Hub"]
    # ...and a person in Leeds asking for naloxone sees its card. (Playwright's sync API
    # holds this thread's event loop, so the chat runs in another thread.)
    with ThreadPoolExecutor(1) as chat:
        card = chat.submit(_ask_the_bot_for_naloxone_in_leeds, services).result(timeout=30)
    assert "Leeds Recovery Hub" in card

    contact = services.directory.contacts()[0]
    for path in ("/contacts", f"/contacts/{contact.id}/history", f"/contacts/{contact.id}/edit"):
        moderator.goto(server + path)
        _check_page(moderator, path)
    page.goto(link)
    assert "What people see now" in page.inner_text("main")
    _check_page(page, "/edit/<token> once published")


def test_a_service_account_page_works_on_a_phone(
    server: str, browser: object, services: Services
) -> None:
    Accounts(services.directory.db).create_user(
        "leeds-hub", PASSWORD, "service", services.clock.now()
    )
    page = _phone(browser)
    page.goto(server + "/login")
    page.fill("#field-username", "leeds-hub")
    page.fill("#field-password", "not the password")
    page.keyboard.press("Enter")
    assert "don't match" in page.inner_text(".error-summary")
    _check_page(page, "/login with an error")
    page.fill("#field-password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/my")
    _check_page(page, "/my")
    page.fill("#field-label", "case system")
    page.click("text=Create a token")
    token = page.inner_text(".secret code")
    assert token.startswith("f48_")
    _check_page(page, "/my with a new token")
    page.click("text=Sign out")
    page.wait_for_url(server + "/")
    assert "You are signed out." in page.inner_text("main")


def _ask_the_bot_for_naloxone_in_leeds(services: Services) -> str:
    onboard(services, 5150, "tap:rel:today", "Leeds", "tap:ost:yes", "tap:housed:yes")
    (replies,) = talk(services, 5150, "tap:c:naloxone")
    return replies[0].text


def _visible(services: Services, kind: str = "naloxone") -> list[str]:
    content = services.live.current
    result = search(
        services.directory,
        content,
        area=content.areas["leeds"],
        kinds=[kind],
        at=services.clock.now(),
    )
    return [m.contact.name for m in result.matches]


@dataclass
class RunningBot:
    """The bot and its web app in one event loop, on a thread of their own."""

    harness: Harness
    url: str
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run a plain function in the bot's loop: its database is not for other threads."""

        async def call() -> Any:
            return function(*args)

        return self.run(call())


@pytest.fixture
def running_bot(settings: Settings, clock: Clock) -> Iterator[RunningBot]:
    api = FakeBotAPI(token=TOKEN).start()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    bot = RunningBot(None, "", loop)  # type: ignore[arg-type]
    bot.harness = bot.run(Harness.start(api, with_api(settings, api.url), clock))
    port = _free_port()
    config = uvicorn.Config(
        create_app(bot.harness.services), host="127.0.0.1", port=port, log_level="warning"
    )
    web = EmbeddedServer(config)
    serving = asyncio.run_coroutine_threadsafe(web.serve(), loop)
    deadline = time.monotonic() + 10
    while not web.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    bot.url = f"http://127.0.0.1:{port}"
    yield bot
    web.should_exit = True
    serving.result(timeout=10)
    bot.run(bot.harness.stop())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    api.stop()


def _sign_in(page: object, server: str, username: str, path: str) -> None:
    page.goto(server + path)  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/login\?next="))  # type: ignore[attr-defined]
    page.fill("#field-username", username)  # type: ignore[attr-defined]
    page.fill("#field-password", PASSWORD)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url(server + path)  # type: ignore[attr-defined]


EDITOR = "/studio/en/dose-half-and-wait"
NEW_TIP = "Your body forgot. Start with a quarter of your old amount.\nThen wait a full hour."


def test_peers_edit_approve_and_restore_a_message_and_the_running_bot_sends_it(
    running_bot: RunningBot, browser: object, clock: Clock
) -> None:
    bot, server = running_bot.harness, running_bot.url
    running_bot.run(bot.onboard())  # a person released today, reminders planned
    running_bot.run(bot.expect("A new note for you"))  # hour 0
    accounts = Accounts(bot.services.live.db)
    for name in ("amina", "bruno"):
        running_bot.call(accounts.create_user, name, PASSWORD, "peer_editor", clock.now())

    # Amina finds the two-hour reminder on the timeline and edits it on her phone.
    amina = _phone(browser)
    _sign_in(amina, server, "amina", "/studio")
    _check_page(amina, "/studio")
    amina.click(f"a[href='{EDITOR}']")
    amina.wait_for_url(server + EDITOR)
    _check_page(amina, EDITOR)
    assert "A new note for you" in amina.inner_text(".lockscreen")  # the discreet first line
    assert "half or less" in amina.inner_text("#preview")

    # While she types, the bubble and the checks follow (the page's script, no button pressed).
    amina.fill("#field-body", NEW_TIP + "\nEven clean addicts lose it.")
    sync_api.expect(amina.locator("#checks")).to_contain_text("addict")
    checks = amina.inner_text("#checks")
    assert "clean" in checks and "person who uses drugs" in checks, checks
    assert "Start with a quarter" in amina.inner_text("#preview")
    _check_page(amina, "the editor with warnings")

    amina.fill("#field-body", NEW_TIP)
    sync_api.expect(amina.locator("#checks")).to_have_text("No problems found.")
    amina.fill("#field-author", "amina (peer writer)")
    amina.click("text=Propose this change")
    amina.wait_for_url(server + "/studio/queue")
    assert "Another peer approves it" in amina.inner_text("main")
    assert "You wrote this change" in amina.inner_text("main")
    assert amina.locator("text=Approve: send this from now on").count() == 0  # never her own
    _check_page(amina, "/studio/queue for the author")
    for path in ("/studio/new", "/studio/timeline", "/studio/fr/dose-half-and-wait"):
        amina.goto(server + path)
        _check_page(amina, path)

    # Bruno approves it; the bot, still running, sends the new text when the reminder is due.
    bruno = _phone(browser)
    _sign_in(bruno, server, "bruno", "/studio/queue")
    _check_page(bruno, "/studio/queue for a reviewer")
    assert "Start with a quarter" in bruno.inner_text(".compare")
    bruno.click("text=Approve: send this from now on")
    bruno.wait_for_url(server + "/studio/queue")
    assert "is live now" in bruno.inner_text("main")
    clock.advance(timedelta(hours=2, minutes=1))
    reminder = running_bot.run(bot.expect("Start with a quarter"))
    assert "half or less" not in reminder["text"]

    # Two hours on (both signed out meanwhile), Bruno restores the text the message came with,
    # Amina approves it, and the next person gets it.
    _sign_in(bruno, server, "bruno", EDITOR)
    history = bruno.inner_text(".history")
    assert "approved by bruno" in history and "As it came in the content files" in history
    _check_page(bruno, "the editor with versions")
    bruno.locator(".history li", has_text="As it came in the content files").locator(
        "text=Restore this version"
    ).click()
    bruno.wait_for_url(server + "/studio/queue")
    _sign_in(amina, server, "amina", "/studio/queue")
    amina.click("text=Approve: send this from now on")
    amina.wait_for_url(server + "/studio/queue")
    assert "is live now" in amina.inner_text("main")
    running_bot.run(bot.onboard(chat=CHAT + 1))
    clock.advance(timedelta(hours=2, minutes=1))
    restored = running_bot.run(bot.expect("half or less", chat=CHAT + 1))
    assert "Start with a quarter" not in restored["text"]
