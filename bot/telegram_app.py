"""The Telegram adapter: builds the python-telegram-bot Application and translates in and out."""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import health
from bot.areas import place_finder
from bot.clock import Clock
from bot.companion import COMMANDS, Button, Companion, Incoming, Reply
from bot.directory import Directory
from bot.dispatcher import Dispatcher, SendBudget, retry_after_seconds
from bot.live_content import LiveContent
from bot.nlu import EMERGENCY_INTENTS, Keywords, RasaClient, Understander
from bot.outbox import Outbox
from bot.peers import GroupEvent, PeerDesk, Undeliverable
from bot.screen import DangerScreen
from bot.settings import Settings
from bot.store import open_database
from bot.update_order import PerChatOrder

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Retries for interactive replies: short, because a person is waiting.
REPLY_ATTEMPTS = 3


@dataclass
class Services:
    """Everything the adapters share: one database, one content store, one companion."""

    settings: Settings
    clock: Clock
    live: LiveContent
    companion: Companion
    outbox: Outbox
    understander: Understander
    directory: Directory
    peers: PeerDesk
    _replanning: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Services:
        clock = clock or Clock()
        db = open_database(settings.database)
        live = LiveContent(settings.content_dir, db)
        rasa = RasaClient(settings.rasa_url, settings.rasa_timeout) if settings.rasa_url else None
        understander = Understander(
            rasa,
            Keywords.load(),
            settings.nlu_threshold,
            find_place=place_finder(lambda: live.current.areas.values()),
            screen=DangerScreen.ready(),
        )
        companion = Companion(db, live, settings, clock)
        peers = PeerDesk(db, companion, settings, clock)
        return cls(settings, clock, live, companion, Outbox(db), understander, Directory(db), peers)

    async def incoming_for_text(self, incoming: Incoming) -> Incoming:
        """Add what the NLU understood to a plain text message (not commands, not edits)."""
        text = incoming.text or ""
        if not text.strip() or text.startswith("/") or incoming.edited:
            return incoming
        hint = self.companion.language_of(incoming)
        understood = await self.understander.understand(text, hint)
        return replace(incoming, understanding=understood)

    def reload_content(self) -> bool:
        """Reload content; on a change, re-plan everyone so new and retired messages apply."""
        if not self.live.reload():
            return False
        for _ in self._replan_everyone():
            pass
        return True

    async def reload_content_in_turns(self) -> bool:
        """The same, letting answers and emergency cards through every few people: at
        100,000 people re-planning everyone takes minutes (bench/scale.py)."""
        if not self.live.reload():
            return False
        await self._replan_in_turns()
        return True

    async def health(self) -> health.Health:
        """The operator's check (``/health`` and the status line in the log)."""
        return await health.check(
            self.companion.people.db, self.settings.rasa_url, self.clock.now()
        )

    def replan_in_background(self) -> None:
        """Re-plan everyone in turns without holding up the caller (a studio approval);
        a newer call starts over, with the newer content."""
        if self._replanning is not None and not self._replanning.done():
            self._replanning.cancel()
        self._replanning = asyncio.get_running_loop().create_task(self._replan_in_turns())

    async def _replan_in_turns(self) -> None:
        for _ in self._replan_everyone():
            await asyncio.sleep(0)

    def _replan_everyone(self, turn: int = 20) -> Iterator[None]:
        """Re-plan every active person; yield after each ``turn`` of them."""
        for index, person_id in enumerate(self.companion.people.active_ids(), start=1):
            person = self.companion.people.by_id(person_id)
            if person is not None:
                self.companion.replan(person)
            if index % turn == 0:
                yield


def _inline(buttons: list[list[Button]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def markup(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """Telegram allows one keyboard per message: location request, inline buttons, or removal."""
    if reply.ask_location:
        rows = [[KeyboardButton(reply.ask_location, request_location=True)]]
        rows += [[KeyboardButton(b.label) for b in row] for row in reply.buttons]
        return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)
    if reply.buttons:
        return _inline(reply.buttons)
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


async def send(application: Application, chat_id: int, reply: Reply) -> None:
    """Send one reply; errors go to the caller."""
    await application.bot.send_message(
        chat_id,
        reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup(reply),
        protect_content=reply.protect,
        disable_web_page_preview=True,
    )


async def retrying(call: Callable[[], Awaitable[T]]) -> T:
    """A Bot API call someone is waiting for: wait out 429s, retry network errors a little."""
    for attempt in range(1, REPLY_ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as exc:
            await asyncio.sleep(retry_after_seconds(exc))
        except NetworkError:
            if attempt == REPLY_ATTEMPTS:
                raise
            await asyncio.sleep(0.5 * attempt)
    raise NetworkError("Telegram kept asking us to wait")


async def send_now(application: Application, chat_id: int, reply: Reply) -> None:
    """Send an interactive reply, waiting out 429s and retrying network errors a little."""
    budget: SendBudget | None = application.bot_data.get("budget")

    async def once() -> None:
        if budget is not None:
            # Ahead of any reminder waiting for a place; an emergency card ahead of all.
            await budget.take(urgent=reply.emergency)
        await send(application, chat_id, reply)

    await retrying(once)


class TelegramGroupPort:
    """The peer workers' forum group, through the Bot API (see bot/peers.py)."""

    def __init__(self, application: Application, group_id: int) -> None:
        self.application = application
        self.group_id = group_id

    async def create_topic(self, name: str) -> int:
        bot = self.application.bot
        topic = await retrying(lambda: bot.create_forum_topic(self.group_id, name))
        return int(topic.message_thread_id)

    async def post(
        self, thread_id: int | None, text: str, buttons: list[list[Button]] | None = None
    ) -> None:
        bot = self.application.bot
        await retrying(
            lambda: bot.send_message(
                self.group_id,
                text,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread_id,
                reply_markup=_inline(buttons),
                disable_web_page_preview=True,
            )
        )

    async def close_topic(self, thread_id: int) -> None:
        bot = self.application.bot
        await retrying(lambda: bot.close_forum_topic(self.group_id, thread_id))

    async def delete_topic(self, thread_id: int) -> None:
        bot = self.application.bot
        await retrying(lambda: bot.delete_forum_topic(self.group_id, thread_id))

    async def to_person(self, chat_id: int, reply: Reply) -> None:
        try:
            await send_now(self.application, chat_id, reply)
        except Forbidden as exc:
            raise Undeliverable from exc


def group_port(context: ContextTypes.DEFAULT_TYPE) -> TelegramGroupPort:
    services: Services = context.bot_data["services"]
    return TelegramGroupPort(context.application, services.settings.peer_group_id or 0)


def _media_kind(message: Message) -> str | None:
    kinds = (
        "sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
        "contact", "poll", "location",
    )  # fmt: skip
    return next((k for k in kinds if getattr(message, k)), None)


def _group_event(update: Update, group_id: int | None) -> GroupEvent | None:
    """A member's message or tap in the peer group, or None for anything else."""
    chat = update.effective_chat
    user = update.effective_user
    if group_id is None or chat is None or chat.id != group_id or user is None:
        return None
    if update.callback_query is not None:
        message = update.callback_query.message
        thread = getattr(message, "message_thread_id", None)
        return GroupEvent(user.id, thread, callback=update.callback_query.data or "",
                          is_bot=user.is_bot)  # fmt: skip
    message = update.message  # edits are not relayed
    if message is None:
        return None
    thread = message.message_thread_id if message.is_topic_message else None
    return GroupEvent(user.id, thread, text=message.text, media=_media_kind(message),
                      is_bot=user.is_bot)  # fmt: skip


async def on_group_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The peer group: relay to the person, claim, hand back, close; anything else ignored."""
    services: Services = context.bot_data["services"]
    event = _group_event(update, services.settings.peer_group_id)
    if event is None:
        if update.callback_query is not None:
            await on_update(update, context)  # a "case:" button elsewhere: a forged tap
        return
    answer: str | None = None
    try:
        answer = await services.peers.on_group(event, group_port(context))
    except Exception:  # noqa: BLE001 - a peer's action must not stop the bot
        logger.exception("could not handle a peer group update")
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(answer or None, show_alert=bool(answer))
        except TelegramError:
            pass


def _incoming(update: Update) -> Incoming | None:
    """Translate a Telegram update into what the companion understands."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return None
    user = update.effective_user
    hint = user.language_code if user else None
    if update.callback_query is not None:
        return Incoming(chat.id, callback=update.callback_query.data or "", language_hint=hint)
    message = update.effective_message
    if message is None:
        return None
    if update.edited_message is not None:
        return Incoming(chat.id, text=message.text, edited=True, language_hint=hint)
    if message.location is not None:
        location = (message.location.latitude, message.location.longitude)
        return Incoming(chat.id, location=location, language_hint=hint)
    if message.text:
        return Incoming(chat.id, text=message.text, language_hint=hint)
    kind = _media_kind(message) or "other"
    return Incoming(chat.id, media=kind, language_hint=hint)


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any message, command, edit or button tap through the companion."""
    incoming = _incoming(update)
    if incoming is None:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass  # a stale button: the answer below still goes out
    services: Services = context.bot_data["services"]
    emergency = False
    try:
        incoming = await services.incoming_for_text(incoming)
        understood = incoming.understanding
        emergency = understood is not None and understood.intent in EMERGENCY_INTENTS
        replies = None
        if services.peers.enabled and not emergency:  # the card never waits for a peer
            replies = await services.peers.on_private(incoming, group_port(context))
        if replies is None:
            replies = services.companion.handle(incoming)
    except Exception:  # noqa: BLE001 - the edge: a bug must still leave the person an answer
        logger.exception("could not answer an update")
        replies = [services.companion.fallback_reply(incoming)]
    for reply in replies:
        await send_now(context.application, incoming.chat_id, reply)
    if emergency and services.peers.enabled:
        # Someone talking to a peer: after the card, the peer learns what the bot showed.
        try:
            await services.peers.after_emergency(incoming, group_port(context))
        except Exception:  # noqa: BLE001
            logger.exception("could not tell the peer about an emergency")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error's type and place; never the update, which holds what someone wrote."""
    error = context.error
    logger.error(
        "error while handling an update: %s",
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )


async def dispatch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send reminders that are due."""
    dispatcher: Dispatcher = context.bot_data["dispatcher"]
    services: Services = context.bot_data["services"]
    writes = services.companion.writes
    if writes.problem is not None:
        if not writes.probe():
            return  # a full disk or a lock elsewhere: the reminders wait in the outbox
        # Sends whose delivery could not be recorded go out again, as after a crash.
        services.outbox.recover(services.clock.now())
    try:
        await dispatcher.tick()
    except sqlite3.OperationalError as exc:
        writes.failed(exc)


async def status_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Write the health check to the log, for operators who alert on logs."""
    services: Services = context.bot_data["services"]
    health.log_status(await services.health())


async def peers_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Raise unanswered peer cases; delete the topics of people who used /forget."""
    services: Services = context.bot_data["services"]
    port = group_port(context)
    await services.peers.escalate(port)
    await services.peers.delete_forgotten_topics(port)


async def quiet_checkin_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One gentle check-in for people who went quiet in their first two weeks."""
    services: Services = context.bot_data["services"]
    planned = services.companion.plan_quiet_checkins()
    if planned:
        logger.info("%d quiet check-ins planned", planned)


async def reload_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pick up content changes."""
    services: Services = context.bot_data["services"]
    await services.reload_content_in_turns()


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete people whose retention time is over."""
    services: Services = context.bot_data["services"]
    services.companion.delete_expired()


async def stale_contacts_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hide contacts nobody has confirmed for 12 months; their owners' pages ask them."""
    services: Services = context.bot_data["services"]
    now = services.clock.now()
    hidden = services.directory.hide_stale(now.astimezone(services.settings.zone).date(), now)
    if hidden:
        logger.info("%d contacts hidden: not confirmed for 12 months", len(hidden))


async def post_init(application: Application) -> None:
    """Recover half-sent reminders, register the command menu, and start the jobs."""
    services: Services = application.bot_data["services"]
    services.outbox.recover(services.clock.now())
    # What start-up built (content, the detector's and the screen's tables) lives as long as
    # the process. Out of the collector's sight, a full collection no longer walks it: that
    # walk took ~60 ms, a stall for everyone writing at that moment.
    gc.collect()
    gc.freeze()
    content = services.live.current
    commands = [BotCommand(c, content.text("en", f"command_{c}")) for c in COMMANDS]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as exc:
        logger.warning("could not register the command menu (%s); carrying on", type(exc).__name__)
    settings = services.settings
    application.job_queue.run_repeating(
        dispatch_job, settings.dispatch_interval, first=0.1, name="dispatch"
    )
    application.job_queue.run_repeating(
        reload_job,
        settings.content_reload_interval,
        first=settings.content_reload_interval,
        name="content",
    )
    application.job_queue.run_repeating(stale_contacts_job, 6 * 3600, first=60, name="stale")
    application.job_queue.run_repeating(quiet_checkin_job, 15 * 60, first=120, name="quiet")
    application.job_queue.run_repeating(retention_job, 6 * 3600, first=300, name="retention")
    application.job_queue.run_repeating(
        status_job,
        settings.status_interval,
        first=min(10.0, settings.status_interval),
        name="status",
    )
    if services.peers.enabled:
        application.job_queue.run_repeating(peers_job, 30, first=5, name="peers")


def build_application(services: Services) -> Application:
    """The one place that wires the bot together. Order matters: first match wins."""
    settings = services.settings
    api = settings.telegram_api_url
    application = (
        Application.builder()
        .token(settings.telegram_token.reveal())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .post_init(post_init)
        .concurrent_updates(PerChatOrder())
        .build()
    )
    application.bot_data["services"] = services

    async def sender(chat_id: int, reply: Reply) -> None:
        await send(application, chat_id, reply)

    dispatcher = Dispatcher(
        services.companion,
        services.outbox,
        sender,
        services.clock,
        rate=settings.dispatch_rate,
        batch_seconds=settings.dispatch_interval,
    )
    application.bot_data["dispatcher"] = dispatcher
    # One budget for every message, so answers and reminders together stay under Telegram's
    # 30 a second; a dispatch rate raised above it (paid broadcasts) raises it too.
    application.bot_data["budget"] = dispatcher.budget
    private = filters.ChatType.PRIVATE
    if settings.peer_group_id is not None:
        # The peer workers' group first: its buttons and messages never reach the companion.
        peer_group = filters.Chat(settings.peer_group_id)
        application.add_handlers(
            [
                CallbackQueryHandler(on_group_update, pattern=r"^case:"),
                MessageHandler(filters.UpdateType.MESSAGE & peer_group, on_group_update),
            ]
        )
    application.add_handlers(
        [
            # Commands: /start (with deep-link payload), /help, /overdose, /stop, /forget, ...
            CommandHandler(list(COMMANDS), on_update, filters=private),
            # Button taps.
            CallbackQueryHandler(on_update),
            # Edits are checked for emergencies too.
            MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, on_update),
            # Text (emergency detector first, inside the companion), locations, then anything else.
            MessageHandler(filters.UpdateType.MESSAGE & private, on_update),
        ]
    )
    application.add_error_handler(on_error)
    return application
