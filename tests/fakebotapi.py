"""A fake Telegram Bot API server for end-to-end tests of python-telegram-bot bots.

Standard library only: an ``http.server.ThreadingHTTPServer`` runs in a daemon thread, so the
fake works from sync and async pytest tests alike, and as a standalone process::

    python tests/fakebotapi.py --port 8081 --log sent.jsonl [--delay-send 0.5] [--control]

Point the bot at it with ``Bot(token, base_url=f"{api.url}/bot")``.

Request format (as sent by PTB 22, see ``telegram/request/_requestparameter.py``): every call is
a POST. Without files the body is ``application/x-www-form-urlencoded``; with files it is
``multipart/form-data``. In both cases *string* values are sent verbatim and every other value
(ints, bools, dicts, lists) is ``json.dumps``-ed, so ``text="123"`` and ``chat_id=123`` look the
same on the wire. Params are therefore decoded per field name (see ``decode_value``). JSON bodies
(``application/json``) are accepted too.

With ``--control`` (or ``control=True``) the server also answers ``/_control/<name>`` with a JSON
body or query string of keyword arguments, so tests can drive a bot subprocess:

* POST ``send_text``, ``send_location``, ``send_sticker``, ``send_photo``, ``send_voice``,
  ``edit_text``, ``press``, ``group_text``, ``group_photo``, ``group_press``, ``push_update``
  -> ``{"ok": true, "result": update_id}``
* POST ``fail_next``, ``block``, ``unblock``, ``delay``, ``set_member_status``, ``chaos``,
  ``rate_limit`` (``{"overall": x, "per_chat": y}`` or ``{}`` to clear)
* GET ``sent`` (optional ``chat_id``), ``calls``, ``stats`` (counts and ``rejected_429``),
  ``topics`` (``chat_id``), ``topic_messages`` (``chat_id``, ``thread_id``)

Forum supergroups: every chat id starting with ``-100`` is a forum supergroup (``is_forum``).
``createForumTopic`` / ``editForumTopic`` / ``closeForumTopic`` / ``reopenForumTopic`` /
``deleteForumTopic`` manage its topics; a topic's ``message_thread_id`` is the id of its (unstored)
``forum_topic_created`` service message, so it comes from the chat's message ids. As on Telegram,
every message in a topic carries ``message_thread_id``, ``is_topic_message`` and, unless it
replies to another message, a ``reply_to_message`` that is that service message (sent by the
bot!). ``group_text`` / ``group_photo`` / ``group_press`` play peers writing in the group and
``getChatMember`` answers from what the fake has seen (``set_member_status`` overrides it).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import random
import signal
import socket
import sys
import threading
import time
import traceback
import zlib
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from email.message import Message as _MimeHeaders
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

JSONDict = dict[str, Any]
Predicate = Callable[[JSONDict], bool]
ChatId = int | str

MAX_TEXT_LENGTH = 4096

# Field names whose wire value is a plain string even when it looks like a number or JSON.
_STR_FIELDS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "data",
        "url", "language_code", "action", "emoji", "secret_token", "title", "description",
        "question", "phone_number", "first_name", "last_name", "vcard", "address",
        "message_effect_id", "business_connection_id", "file_id", "name", "ip_address",
        "custom_title", "short_description", "payload", "currency", "provider_token",
        "start_parameter", "switch_pm_text", "switch_pm_parameter", "next_offset",
        "photo", "document", "voice", "audio", "video", "animation", "video_note", "sticker",
        "thumbnail", "certificate", "quote", "error_message", "game_short_name",
        "custom_emoji_id", "web_app_query_id", "shipping_query_id", "pre_checkout_query_id",
        "gift_id", "telegram_payment_charge_id", "sticker_set_name", "icon_custom_emoji_id",
    }
)  # fmt: skip
_BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "allow_sending_without_reply",
        "disable_web_page_preview", "show_alert", "drop_pending_updates", "is_personal",
        "allow_paid_broadcast", "has_spoiler", "supports_streaming", "is_anonymous",
        "disable_content_type_detection", "revoke_messages", "only_if_banned", "is_closed",
        "show_caption_above_media", "for_channels", "allows_multiple_answers",
    }
)  # fmt: skip
_JSON_FIELDS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "commands", "scope", "allowed_updates",
        "link_preview_options", "reply_parameters", "media", "results", "message_ids",
        "permissions", "prices", "options", "reaction", "menu_button", "button",
        "explanation_entities", "question_entities", "suggested_post_parameters",
    }
)  # fmt: skip
_NUMBER_FIELDS = frozenset(
    {
        "timeout", "latitude", "longitude", "horizontal_accuracy", "live_period", "heading",
        "icon_color",
        # keyword arguments of the /_control endpoints, when given as a query string
        "lat", "lon", "seconds", "status", "retry_after", "count", "overall", "per_chat",
    }
)  # fmt: skip

# Telegram's six topic icon colours; createForumTopic without icon_color uses the first.
TOPIC_ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
MAX_TOPIC_NAME_LENGTH = 128
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})

# Methods (lower-cased) that deliver a message: subject to block() and rate_limit.
_COPY_FORWARD = frozenset({"copymessage", "copymessages", "forwardmessage", "forwardmessages"})


def _is_sending(method_l: str) -> bool:
    return (method_l.startswith("send") and method_l != "sendchataction") or (
        method_l in _COPY_FORWARD
    )


def decode_value(key: str, value: Any) -> Any:
    """Decode one wire value: ints/bools/JSON per field name; strings stay strings."""
    if not isinstance(value, str):
        return value  # already typed (JSON body) or an uploaded-file record
    if key in _STR_FIELDS:
        return value
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if key in _NUMBER_FIELDS or key.endswith("_id") or key in ("offset", "limit", "duration"):
        for cast in (int, float):
            try:
                return cast(value)
            except ValueError:
                pass
        return value  # e.g. chat_id="@channelname"
    if value[:1] in ("{", "[") or value in ("true", "false"):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


def decode_params(raw: JSONDict) -> JSONDict:
    """Decode every value of a raw parameter mapping."""
    return {key: decode_value(key, value) for key, value in raw.items()}


def _parse_multipart(body: bytes, content_type: str) -> JSONDict:
    """Split a multipart/form-data body; file parts become ``{filename, content_type, size}``."""
    headers = _MimeHeaders()
    headers["content-type"] = content_type
    boundary = headers.get_param("boundary")
    if not isinstance(boundary, str):
        raise ValueError("multipart body without boundary")
    params: JSONDict = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break  # closing delimiter
        head, _, payload = chunk.partition(b"\r\n\r\n")
        if payload.endswith(b"\r\n"):
            payload = payload[:-2]
        part = _MimeHeaders()
        for line in head.decode("utf-8", "replace").strip().split("\r\n"):
            field_name, _, field_value = line.partition(":")
            part[field_name.strip()] = field_value.strip()
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        if not isinstance(name, str):
            continue
        if isinstance(filename, str):
            params[name] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "size": len(payload),
            }
        else:
            params[name] = payload.decode("utf-8")
    return params


def _text_content(text: str) -> JSONDict:
    """Message fields for a user's text; "/cmd ..." gets a bot_command entity."""
    content: JSONDict = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        length = len(command.encode("utf-16-le")) // 2  # Telegram counts UTF-16 code units
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return content


@dataclass
class Call:
    """One Bot API call as the fake received it."""

    method: str
    params: JSONDict
    at: float  # time.monotonic() on arrival
    status: int | None = None  # HTTP status answered; None while still being handled
    result: Any = None  # the "result" on success, the error description otherwise

    @property
    def ok(self) -> bool:
        """Whether the call was answered successfully."""
        return self.status == HTTPStatus.OK


@dataclass
class _Fault:
    method_l: str
    status: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: ChatId | None


@dataclass
class _Chaos:
    rng: random.Random
    rates: dict[str, float]  # "429", "500", "403", "slow" -> chance per message sent
    retry_after: int
    slow_seconds: float

    def roll(self) -> str | None:
        draw = self.rng.random()
        for fault, rate in self.rates.items():
            if draw < rate:
                return fault
            draw -= rate
        return None


@dataclass
class _Topic:
    """A forum topic; ``created`` is its forum_topic_created service message."""

    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None
    created: JSONDict
    closed: bool = False
    deleted: bool = False

    def forum_topic(self) -> JSONDict:
        """The Bot API ForumTopic object."""
        topic: JSONDict = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic

    def info(self) -> JSONDict:
        """What topics() reports: the ForumTopic plus ``closed`` and ``deleted``."""
        return {**self.forum_topic(), "closed": self.closed, "deleted": self.deleted}


def _chat_member(status: str, user: JSONDict) -> JSONDict:
    """A Bot API ChatMember with the fields its status requires."""
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False, is_anonymous=False, can_manage_chat=True,
            can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
            can_promote_members=False, can_change_info=True, can_invite_users=True,
            can_post_stories=True, can_edit_stories=True, can_delete_stories=True,
            can_pin_messages=True, can_manage_topics=True,
        )  # fmt: skip
    elif status == "restricted":
        member.update(
            is_member=True, can_send_messages=False, can_send_audios=False,
            can_send_documents=False, can_send_photos=False, can_send_videos=False,
            can_send_video_notes=False, can_send_voice_notes=False, can_send_polls=False,
            can_send_other_messages=False, can_add_web_page_previews=False,
            can_change_info=False, can_invite_users=False, can_pin_messages=False,
            can_manage_topics=False, can_edit_tag=False, can_react_to_messages=False,
            until_date=0,
        )  # fmt: skip
    elif status == "kicked":
        member["until_date"] = 0  # banned forever
    return member


class ApiError(Exception):
    """A Telegram error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSONDict:
        """The JSON error body Telegram would send."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _default_description(status: int, retry_after: int | None) -> str:
    known = {
        400: "Bad Request: chat not found",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        409: "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
        429: f"Too Many Requests: retry after {retry_after}",
        500: "Internal Server Error",
        502: "Bad Gateway",
    }
    if status in known:
        return known[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: FakeBotAPI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer back 40 ms, which Telegram does not do.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.api._track_connection(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.api._track_connection(self.connection, open_=False)

    def do_POST(self) -> None:
        self.server.api._serve(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        """Read the request body (Content-Length or chunked)."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        """Send a complete response; a client that already hung up is ignored."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True


class FakeBotAPI:
    """In-memory Telegram Bot API: inject updates, inspect calls, inject faults."""

    def __init__(
        self,
        token: str = "123456:TEST",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "first48_test_bot",
        *,
        log_path: str | None = None,
        control: bool = False,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.log_path = log_path  # one JSON line per successful sendMessage
        self.control = control  # serve /_control/<name>
        self.calls: list[Call] = []
        self.rate_limit: tuple[float, float] | None = None
        self.rejected_429 = 0
        self.webhook_url = ""
        self.my_commands: dict[tuple[str, str], list[JSONDict]] = {}

        self._cond = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._connections: set[socket.socket] = set()
        self._log_lock = threading.Lock()

        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._message_ids: defaultdict[ChatId, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._messages: defaultdict[ChatId, dict[int, JSONDict]] = defaultdict(dict)
        self._last_bot_message: dict[ChatId, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._faults: list[_Fault] = []
        self._blocked: set[ChatId] = set()
        self._delays: dict[str, float] = {}
        self._chaos: _Chaos | None = None
        self._consumed: set[int] = set()  # indexes into calls already returned by wait_for
        self._rate_all: deque[float] = deque()
        self._rate_chat: defaultdict[ChatId, deque[float]] = defaultdict(deque)
        self._topics: defaultdict[ChatId, dict[int, _Topic]] = defaultdict(dict)
        self._member_status: dict[tuple[ChatId, int], str] = {}

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:54321`` (bot: ``f"{url}/bot"``)."""
        if self._server is None and self.port == 0:
            raise RuntimeError("FakeBotAPI.url is only known after start()")
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeBotAPI:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping = False
        server = _Server((self.host, self.port), _Handler)
        server.api = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"FakeBotAPI:{self.port}",
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake long polls and drop open connections."""
        server, self._server = self._server, None
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        server.shutdown()
        server.server_close()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _track_connection(self, conn: socket.socket, *, open_: bool) -> None:
        with self._cond:
            if open_:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ------------------------------------------------------------------ injecting updates

    def push_update(self, payload: JSONDict) -> int:
        """Queue a raw update body (without ``update_id``); returns the new update_id."""
        with self._cond:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **payload})
            self._cond.notify_all()
        return update_id

    def _user(self, chat_id: int) -> JSONDict:
        return self._users.get(
            chat_id,
            {"id": chat_id, "is_bot": False, "first_name": "Sam", "username": "sam",
             "language_code": "en"},
        )  # fmt: skip

    def _user_message(self, chat_id: int, **content: Any) -> JSONDict:
        """Create and store a message from the user in their private chat."""
        with self._cond:
            message = {
                "message_id": next(self._message_ids[chat_id]),
                "from": self._user(chat_id),
                "chat": self._chat(chat_id),
                "date": int(time.time()),
                **content,
            }
            self._messages[chat_id][message["message_id"]] = message
        return message

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        first_name: str = "Sam",
        username: str = "sam",
        language_code: str = "en",
    ) -> int:
        """A private text message from user ``chat_id``; "/cmd" gets a bot_command entity."""
        with self._cond:
            self._users[chat_id] = {
                "id": chat_id, "is_bot": False, "first_name": first_name,
                "username": username, "language_code": language_code,
            }  # fmt: skip
        return self.push_update({"message": self._user_message(chat_id, **_text_content(text))})

    def send_location(self, chat_id: int, lat: float, lon: float) -> int:
        """A shared location from the user."""
        location = {"latitude": lat, "longitude": lon}
        return self.push_update({"message": self._user_message(chat_id, location=location)})

    def _file(self, kind: str) -> JSONDict:
        n = next(self._file_ids)
        return {"file_id": f"fake-{kind}-{n}", "file_unique_id": f"u{kind}{n}"}

    def send_sticker(self, chat_id: int) -> int:
        """A sticker from the user."""
        sticker = {
            **self._file("sticker"), "width": 512, "height": 512, "is_animated": False,
            "is_video": False, "type": "regular", "emoji": "👍", "file_size": 20000,
        }  # fmt: skip
        return self.push_update({"message": self._user_message(chat_id, sticker=sticker)})

    def send_photo(self, chat_id: int) -> int:
        """A photo (two sizes) from the user."""
        return self.push_update({"message": self._user_message(chat_id, photo=self._photo())})

    def _photo(self) -> list[JSONDict]:
        return [
            {**self._file("photo"), "width": 90, "height": 90, "file_size": 1500},
            {**self._file("photo"), "width": 800, "height": 800, "file_size": 60000},
        ]

    def send_voice(self, chat_id: int) -> int:
        """A voice note from the user."""
        voice = {**self._file("voice"), "duration": 3, "mime_type": "audio/ogg", "file_size": 9000}
        return self.push_update({"message": self._user_message(chat_id, voice=voice)})

    def edit_text(self, chat_id: int, message_id: int, text: str) -> int:
        """The user edits one of their messages: an ``edited_message`` update."""
        with self._cond:
            stored = self._messages[chat_id].get(message_id)
            if stored is not None and stored["from"]["is_bot"]:
                raise ValueError(f"message {message_id} in chat {chat_id} is the bot's")
            base = stored or {
                "message_id": message_id, "from": self._user(chat_id),
                "chat": self._chat(chat_id), "date": int(time.time()),
            }  # fmt: skip
            message = {**base, **_text_content(text), "edit_date": int(time.time())}
            if "entities" not in _text_content(text):
                message.pop("entities", None)
            self._messages[chat_id][message_id] = message
        return self.push_update({"edited_message": message})

    def press(self, chat_id: int, data: str, message_id: int | None = None) -> int:
        """The user presses an inline button (default: on the last bot message in the chat)."""
        with self._cond:
            if message_id is None:
                if chat_id not in self._last_bot_message:
                    raise ValueError(f"no bot message in chat {chat_id} to press a button on")
                message_id = self._last_bot_message[chat_id]
            message = self._messages[chat_id].get(message_id)
            if message is None:  # unknown to the fake: store a stub so edits still work
                message = {
                    "message_id": message_id, "from": self._bot_user(),
                    "chat": self._chat(chat_id), "date": int(time.time()), "text": "",
                }  # fmt: skip
                self._messages[chat_id][message_id] = message
            query = {
                "id": str(next(self._query_ids)),
                "from": self._user(chat_id),
                "chat_instance": str(abs(chat_id) * 31 + 7),
                "data": data,
                "message": copy.deepcopy(message),
            }
        return self.push_update({"callback_query": query})

    # ------------------------------------------------------------------ peers in a group

    def group_text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        thread_id: int | None = None,
        first_name: str = "Peer",
        username: str | None = None,
    ) -> int:
        """A text message from user ``user_id`` in group ``chat_id`` (in topic ``thread_id``).

        "/cmd" gets a bot_command entity; the user becomes a "member" unless marked otherwise.
        """
        with self._cond:
            user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
            if username:
                user["username"] = username
            user["language_code"] = self._users.get(user_id, {}).get("language_code", "en")
            self._users[user_id] = user
            message = self._group_message(chat_id, user_id, thread_id, **_text_content(text))
        return self.push_update({"message": message})

    def group_photo(self, chat_id: int, user_id: int, *, thread_id: int | None = None) -> int:
        """A photo (two sizes) from user ``user_id`` in group ``chat_id`` (topic ``thread_id``)."""
        with self._cond:
            message = self._group_message(chat_id, user_id, thread_id, photo=self._photo())
        return self.push_update({"message": message})

    def group_press(self, chat_id: int, user_id: int, data: str, message_id: int) -> int:
        """User ``user_id`` presses an inline button on bot message ``message_id`` in a group."""
        with self._cond:
            self._require_group(chat_id)
            message = self._messages[chat_id].get(message_id)
            if message is None or message["from"]["id"] != self._bot_user()["id"]:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            self._member_status.setdefault((chat_id, user_id), "member")
            query = {
                "id": str(next(self._query_ids)),
                "from": self._peer(user_id),
                "chat_instance": str(abs(chat_id) * 31 + 7),
                "data": data,
                "message": copy.deepcopy(message),
            }
        return self.push_update({"callback_query": query})

    def set_member_status(self, chat_id: ChatId, user_id: int, status: str) -> None:
        """What getChatMember answers for the user (or the bot) in that chat."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}, not {status!r}")
        with self._cond:
            self._member_status[(chat_id, user_id)] = status

    @staticmethod
    def _require_group(chat_id: ChatId) -> None:
        if not isinstance(chat_id, int) or chat_id >= 0:
            raise ValueError(f"chat {chat_id!r} is not a group (group ids are negative)")

    def _peer(self, user_id: int) -> JSONDict:
        return copy.deepcopy(
            self._users.get(user_id)
            or {"id": user_id, "is_bot": False, "first_name": "Peer", "language_code": "en"}
        )

    def _group_message(
        self, chat_id: int, user_id: int, thread_id: int | None, **content: Any
    ) -> JSONDict:
        """Create and store a peer's message in a group, in a topic if thread_id (lock held)."""
        self._require_group(chat_id)
        thread: JSONDict = {}
        if thread_id:
            topic = self._topics.get(chat_id, {}).get(thread_id)
            if topic is None or topic.deleted:
                raise ValueError(f"no topic {thread_id} in chat {chat_id}")
            thread = self._topic_fields(topic)
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "from": self._peer(user_id),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **thread,
            **content,
        }
        self._messages[chat_id][message["message_id"]] = message
        self._member_status.setdefault((chat_id, user_id), "member")
        return copy.deepcopy(message)

    # ------------------------------------------------------------------ inspecting the bot

    def sent(self, chat_id: ChatId | None = None) -> list[JSONDict]:
        """Params of successful sendMessage calls, in arrival order."""
        return [c.params for c in self.calls_of("sendMessage", chat_id) if c.ok]

    def calls_of(self, method: str, chat_id: ChatId | None = None) -> list[Call]:
        """All calls of ``method`` (case-insensitive), optionally to one chat."""
        method_l = method.lower()
        with self._cond:
            return [
                c
                for c in self.calls
                if c.method.lower() == method_l
                and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def bot_messages(self, chat_id: ChatId) -> list[JSONDict]:
        """Current (edited, not deleted) messages the bot has in a chat, oldest first."""
        with self._cond:
            bot_id = self._bot_user()["id"]
            return [
                copy.deepcopy(m)
                for _, m in sorted(self._messages[chat_id].items())
                if m["from"]["id"] == bot_id
            ]

    def topics(self, chat_id: ChatId) -> list[JSONDict]:
        """Topics created in a chat, oldest first: ForumTopic fields plus closed and deleted."""
        with self._cond:
            return [t.info() for _, t in sorted(self._topics.get(chat_id, {}).items())]

    def topic_messages(self, chat_id: ChatId, thread_id: int) -> list[JSONDict]:
        """Current messages the bot has in a topic, oldest first (none once it is deleted).

        For everything ever sent there, filter ``sent(chat_id)`` on ``message_thread_id``.
        """
        return [m for m in self.bot_messages(chat_id) if m.get("message_thread_id") == thread_id]

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """Commands stored by setMyCommands for that scope and language."""
        with self._cond:
            return list(self.my_commands.get(self._commands_key(scope, language_code), []))

    def _take_match(self, predicate: Predicate) -> JSONDict | None:
        """First unconsumed successful sendMessage/editMessageText matching predicate."""
        with self._cond:
            for index, call in enumerate(self.calls):
                if index in self._consumed or not call.ok:
                    continue
                if call.method.lower() not in ("sendmessage", "editmessagetext"):
                    continue
                try:
                    matched = bool(predicate(call.params))
                except Exception:  # e.g. KeyError on a missing field: no match
                    matched = False
                if matched:
                    self._consumed.add(index)
                    return call.params
        return None

    def _texts_seen(self) -> list[str]:
        with self._cond:
            return [
                f"{c.method} {c.params.get('chat_id')}: {c.params.get('text')!r}"
                for c in self.calls
                if c.ok and c.method.lower() in ("sendmessage", "editmessagetext")
            ]

    def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> JSONDict:
        """Block until a successful sendMessage/editMessageText satisfies predicate.

        Each matching call is returned once: a later wait_for skips it, so waiting twice for
        the same text waits for a second message. Raises AssertionError on timeout.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while (found := self._take_match(predicate)) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no matching message within {timeout}s; seen: {self._texts_seen()}"
                    )
                self._cond.wait(min(remaining, 0.1))
        return found

    async def await_for(self, predicate: Predicate, timeout: float = 10.0) -> JSONDict:
        """Async wait_for: polls without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while (found := self._take_match(predicate)) is None:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no matching message within {timeout}s; seen: {self._texts_seen()}"
                )
            await asyncio.sleep(0.01)
        return found

    def wait_sent_count(
        self, n: int, chat_id: ChatId | None = None, timeout: float = 10.0
    ) -> list[JSONDict]:
        """Block until at least n successful sendMessage calls (to chat_id); returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(sent := self.sent(chat_id)) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._count_message(n, sent, timeout))
                self._cond.wait(min(remaining, 0.1))
        return sent

    async def await_sent_count(
        self, n: int, chat_id: ChatId | None = None, timeout: float = 10.0
    ) -> list[JSONDict]:
        """Async wait_sent_count."""
        deadline = time.monotonic() + timeout
        while len(sent := self.sent(chat_id)) < n:
            if time.monotonic() >= deadline:
                raise AssertionError(self._count_message(n, sent, timeout))
            await asyncio.sleep(0.01)
        return sent

    @staticmethod
    def _count_message(n: int, sent: list[JSONDict], timeout: float) -> str:
        texts = [p.get("text") for p in sent]
        return f"expected {n} messages within {timeout}s, got {len(sent)}: {texts}"

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: ChatId | None = None,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id``) with an error."""
        if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
            retry_after = 1
        with self._cond:
            self._faults.append(
                _Fault(
                    method_l=method.lower(),
                    status=status,
                    description=description or _default_description(status, retry_after),
                    retry_after=retry_after,
                    remaining=count,
                    chat_id=chat_id,
                )
            )

    def block(self, chat_id: ChatId) -> None:
        """The user blocks the bot: message-sending methods to the chat answer 403."""
        with self._cond:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: ChatId) -> None:
        """Undo block()."""
        with self._cond:
            self._blocked.discard(chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Every call of ``method`` waits ``seconds`` before being handled (0 clears)."""
        with self._cond:
            self._delays[method.lower()] = seconds

    def chaos(
        self,
        seed: int | None,
        *,
        rate_429: float = 0.0,
        rate_500: float = 0.0,
        rate_403: float = 0.0,
        rate_slow: float = 0.0,
        retry_after: int = 1,
        slow_seconds: float = 6.0,
    ) -> None:
        """Seeded random faults on message-sending calls (``seed=None`` stops them).

        Each message is, by chance: answered 429 with ``retry_after``; answered 500; answered
        403, and the chat blocks the bot from then on; or delivered but answered only after
        ``slow_seconds`` (longer than the client's timeout: it cannot know the message arrived).
        """
        with self._cond:
            if seed is None:
                self._chaos = None
                return
            rates = {"429": rate_429, "500": rate_500, "403": rate_403, "slow": rate_slow}
            self._chaos = _Chaos(random.Random(seed), rates, retry_after, slow_seconds)

    # ------------------------------------------------------------------ HTTP plumbing

    def _serve(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        parts = unquote(split.path).strip("/").split("/")
        try:
            raw = self._read_params(handler, split.query)
        except ValueError as exc:
            handler.reply(400, ApiError(400, f"Bad Request: {exc}").body())
            return
        if parts[0] == "_control" and len(parts) == 2 and self.control:
            handler.reply(*self._control(parts[1], raw))
        elif len(parts) == 2 and parts[0].startswith("bot"):
            if parts[0][3:] != self.token:
                handler.reply(401, ApiError(401, "Unauthorized").body())
            else:
                handler.reply(*self._api_call(parts[1], decode_params(raw)))
        elif parts[0] == "file" and len(parts) >= 3 and parts[1] == f"bot{self.token}":
            handler.reply(200, b"fake file content", "application/octet-stream")
        else:
            handler.reply(404, ApiError(404, "Not Found").body())

    @staticmethod
    def _read_params(handler: _Handler, query: str) -> JSONDict:
        params: JSONDict = dict(parse_qsl(query, keep_blank_values=True))
        body = handler.read_body()
        content_type = handler.headers.get("Content-Type", "")
        if not body:
            return params
        if content_type.startswith("application/json"):
            loaded = json.loads(body)
            if not isinstance(loaded, dict):
                raise ValueError("JSON body must be an object")
            params.update(loaded)
        elif content_type.startswith("multipart/form-data"):
            params.update(_parse_multipart(body, content_type))
        else:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return params

    def _api_call(self, method: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Record, delay, fault-check and dispatch one Bot API call."""
        call = Call(method=method, params=params, at=time.monotonic())
        method_l = method.lower()
        with self._cond:
            self.calls.append(call)
            pause = self._delays.get(method_l, 0.0)
            chaos = self._chaos
            fault = chaos.roll() if chaos and _is_sending(method_l) else None
            if chaos and fault == "slow":
                pause = max(pause, chaos.slow_seconds)
        if pause > 0:
            time.sleep(pause)
        try:
            if method_l == "getupdates":
                result = self._get_updates(params)  # waits without holding the lock
            else:
                with self._cond:
                    self._chaos_fault(fault, params)
                    self._precheck(method_l, params)
                    result = self._dispatch(method_l, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body, result = exc.status, exc.body(), exc.description
        except Exception as exc:  # a bug in the fake: tell the client
            traceback.print_exc()
            status, result = 500, f"Internal Server Error: fake failed: {exc!r}"
            body = ApiError(500, result).body()
        with self._cond:
            call.status, call.result = status, result
            self._cond.notify_all()
        if status == 200 and method_l == "sendmessage":
            self._log_sent(params, result)
        return status, body

    def _log_sent(self, params: JSONDict, message: JSONDict) -> None:
        if not self.log_path:
            return
        line = json.dumps(
            {
                "chat_id": params.get("chat_id"),
                "text": params.get("text"),
                "message_id": message.get("message_id"),
                "time": time.time(),
            },
            ensure_ascii=False,
        )
        with self._log_lock, open(self.log_path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
            log.flush()

    def _chaos_fault(self, fault: str | None, params: JSONDict) -> None:
        """Raise the error chaos() drew for this call (lock held)."""
        if fault == "403":
            self._blocked.add(params.get("chat_id"))  # raised by _precheck, now and later
        elif fault == "500":
            raise ApiError(500, "Internal Server Error")
        elif fault == "429" and self._chaos is not None:
            retry_after = self._chaos.retry_after
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _precheck(self, method_l: str, params: JSONDict) -> None:
        """Injected faults, blocked chats and rate limits (lock held)."""
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method_l == method_l and fault.chat_id in (None, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise ApiError(fault.status, fault.description, fault.retry_after)
        sending = _is_sending(method_l)
        if (sending or method_l == "sendchataction") and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if sending and self.rate_limit is not None and not self._within_rate(chat_id):
            self.rejected_429 += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)

    def _within_rate(self, chat_id: ChatId | None) -> bool:
        """Sliding-window check; rate r allows max(1, r) sends per max(1, 1/r) seconds."""
        assert self.rate_limit is not None
        overall, per_chat = self.rate_limit
        now = time.monotonic()
        windows = [(self._rate_all, overall), (self._rate_chat[chat_id or 0], per_chat)]
        for times, rate in windows:
            if rate <= 0:
                continue
            span = max(1.0, 1.0 / rate)
            while times and now - times[0] >= span:
                times.popleft()
            if len(times) >= max(1, int(rate * span)):
                return False
        for times, _ in windows:
            times.append(now)
        return True

    # ------------------------------------------------------------------ Bot API methods

    def _bot_user(self) -> JSONDict:
        head = self.token.split(":", 1)[0]
        bot_id = int(head) if head.isdigit() else 1
        return {"id": bot_id, "is_bot": True, "first_name": "First48 Test",
                "username": self.bot_username}  # fmt: skip

    def _chat(self, chat_id: ChatId) -> JSONDict:
        if isinstance(chat_id, str):
            return {"id": -1000000000000 - zlib.crc32(chat_id.encode()), "type": "channel",
                    "title": chat_id, "username": chat_id.lstrip("@")}  # fmt: skip
        if chat_id < 0:
            if self._is_forum(chat_id):
                return {"id": chat_id, "type": "supergroup", "title": "Test group",
                        "is_forum": True}  # fmt: skip
            return {"id": chat_id, "type": "group", "title": "Test group"}
        user = self._user(chat_id)
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        if user.get("username"):
            chat["username"] = user["username"]
        return chat

    def _bot_message(self, chat_id: ChatId, **content: Any) -> JSONDict:
        """Create and store a message from the bot (lock held)."""
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "from": self._bot_user(),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v is not None},
        }
        self._messages[chat_id][message["message_id"]] = message
        self._last_bot_message[chat_id] = message["message_id"]
        return message

    @staticmethod
    def _is_forum(chat_id: ChatId) -> bool:
        """Every supergroup (id -100...) is a forum here."""
        return isinstance(chat_id, int) and str(chat_id).startswith("-100")

    @staticmethod
    def _topic_fields(topic: _Topic) -> JSONDict:
        """Fields of a message in the topic; it "replies" to the topic's service message."""
        return {
            "message_thread_id": topic.message_thread_id,
            "is_topic_message": True,
            "reply_to_message": copy.deepcopy(topic.created),
        }

    def _placement(self, chat_id: ChatId, params: JSONDict) -> JSONDict:
        """Topic and reply fields of a message the bot sends (lock held).

        An unknown or deleted ``message_thread_id`` fails like Telegram, and so does a closed
        topic. A reply to a message the fake stores gets it as ``reply_to_message``.
        """
        fields: JSONDict = {}
        thread_id = params.get("message_thread_id")
        if thread_id not in (None, "", 0):
            topic = self._topics.get(chat_id, {}).get(thread_id)
            if topic is None or topic.deleted:
                raise ApiError(400, "Bad Request: message thread not found")
            if topic.closed:
                raise ApiError(400, "Bad Request: TOPIC_CLOSED")
            fields = self._topic_fields(topic)
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and reply.get("chat_id") in (None, chat_id):
            reply_id = reply.get("message_id")
        else:
            reply_id = params.get("reply_to_message_id")
        replied = self._messages.get(chat_id, {}).get(reply_id)
        if replied is not None:
            replied = copy.deepcopy(replied)
            replied.pop("reply_to_message", None)  # Telegram does not nest replies
            fields["reply_to_message"] = replied
        return fields

    @staticmethod
    def _inline_markup(params: JSONDict) -> JSONDict | None:
        """Only inline keyboards are echoed in a Message."""
        markup = params.get("reply_markup")
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    @staticmethod
    def _require_chat(params: JSONDict) -> ChatId:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        return chat_id

    @staticmethod
    def _commands_key(scope: JSONDict | None, language_code: str) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""

    def _dispatch(self, method_l: str, params: JSONDict) -> Any:
        """Answer a (non-getUpdates) method; lock held."""
        match method_l:
            case "getme":
                return {**self._bot_user(), "can_join_groups": True,
                        "can_read_all_group_messages": False, "supports_inline_queries": False,
                        "can_connect_to_business": False, "has_main_web_app": False}  # fmt: skip
            case "deletewebhook":
                self.webhook_url = ""
                if params.get("drop_pending_updates"):
                    self._updates.clear()
                return True
            case "setwebhook":
                self.webhook_url = str(params.get("url", ""))
                return True
            case "getwebhookinfo":
                return {"url": self.webhook_url, "has_custom_certificate": False,
                        "pending_update_count": len(self._updates)}  # fmt: skip
            case "setmycommands":
                key = self._commands_key(params.get("scope"), params.get("language_code", ""))
                self.my_commands[key] = list(params.get("commands") or [])
                return True
            case "getmycommands":
                key = self._commands_key(params.get("scope"), params.get("language_code", ""))
                return self.my_commands.get(key, [])
            case "deletemycommands":
                key = self._commands_key(params.get("scope"), params.get("language_code", ""))
                self.my_commands.pop(key, None)
                return True
            case "sendmessage":
                return self._send_message(params)
            case "editmessagetext" | "editmessagereplymarkup" | "editmessagecaption":
                return self._edit_message(method_l, params)
            case "deletemessage":
                chat_id = self._require_chat(params)
                if self._messages[chat_id].pop(params.get("message_id"), None) is None:
                    raise ApiError(400, "Bad Request: message to delete not found")
                return True
            case "getfile":
                file_id = str(params.get("file_id", ""))
                return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 17,
                        "file_path": f"files/{file_id}"}  # fmt: skip
            case "sendmediagroup":
                chat_id = self._require_chat(params)
                placement = self._placement(chat_id, params)
                return [self._bot_message(chat_id, **copy.deepcopy(placement), photo=self._photo())
                        for _ in params.get("media") or [None]]  # fmt: skip
            case "copymessage":
                chat_id = self._require_chat(params)
                self._placement(chat_id, params)
                return {"message_id": next(self._message_ids[chat_id])}
            case "sendchataction":
                self._placement(self._require_chat(params), params)
                return True
            case "createforumtopic":
                return self._create_topic(params)
            case "editforumtopic" | "closeforumtopic" | "reopenforumtopic" | "deleteforumtopic":
                return self._change_topic(method_l, params)
            case "getchatmember":
                return self._get_chat_member(params)
            case _ if method_l.startswith("send") or method_l == "forwardmessage":
                return self._send_media(method_l, params)
            case _:  # answerCallbackQuery, close, logOut and anything unknown
                return True

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._require_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(
            chat_id,
            **self._placement(chat_id, params),
            text=text,
            entities=params.get("entities"),
            reply_markup=self._inline_markup(params),
        )

    def _send_media(self, method_l: str, params: JSONDict) -> JSONDict:
        """sendPhoto, sendDocument, sendSticker, ... : a bot message with that content."""
        chat_id = self._require_chat(params)
        kind = method_l.removeprefix("send")
        content: JSONDict = {"caption": params.get("caption")}
        upload = params.get(kind)
        if kind == "photo":
            content["photo"] = self._photo()
        elif kind in ("document", "audio", "video", "animation", "voice"):
            media = {**self._file(kind), "file_name": f"{kind}.bin", "file_size": 1}
            if isinstance(upload, dict):  # an uploaded file: {filename, content_type, size}
                media.update(
                    file_name=upload["filename"],
                    mime_type=upload["content_type"],
                    file_size=upload["size"],
                )
            if kind != "document":
                media["duration"] = 1
            if kind in ("video", "animation"):
                media.update(width=320, height=240)
            content[kind] = media
        elif kind == "sticker":
            content["sticker"] = {
                **self._file("sticker"), "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "type": "regular",
            }  # fmt: skip
        elif kind == "location":
            content["location"] = {
                "latitude": params.get("latitude", 0.0),
                "longitude": params.get("longitude", 0.0),
            }
        elif method_l == "forwardmessage":
            content["text"] = "forwarded"
        placement = self._placement(chat_id, params)
        return self._bot_message(
            chat_id, **placement, **content, reply_markup=self._inline_markup(params)
        )

    def _create_topic(self, params: JSONDict) -> JSONDict:
        chat_id = self._require_chat(params)
        if not self._is_forum(chat_id):
            raise ApiError(400, "Bad Request: the chat is not a forum")
        name = params.get("name")
        name = name.strip()[:MAX_TOPIC_NAME_LENGTH] if isinstance(name, str) else ""
        if not name:
            raise ApiError(400, "Bad Request: title must be non-empty")
        color = params.get("icon_color", TOPIC_ICON_COLORS[0])
        if not isinstance(color, int) or isinstance(color, bool) or not 0 <= color <= 0xFFFFFF:
            raise ApiError(400, "Bad Request: invalid icon color specified")
        emoji = params.get("icon_custom_emoji_id") or None
        ids = self._message_ids[chat_id]
        thread_id = next(ids)
        if thread_id == 1:  # message 1 is the group's creation; topic 1 is "General"
            thread_id = next(ids)
        created: JSONDict = {"name": name, "icon_color": color}
        if emoji:
            created["icon_custom_emoji_id"] = emoji
        service = {
            "message_id": thread_id, "from": self._bot_user(), "chat": self._chat(chat_id),
            "date": int(time.time()), "message_thread_id": thread_id,
            "forum_topic_created": created, "is_topic_message": True,
        }  # fmt: skip
        topic = _Topic(thread_id, name, color, emoji, service)
        self._topics[chat_id][thread_id] = topic
        return topic.forum_topic()

    def _change_topic(self, method_l: str, params: JSONDict) -> bool:
        """editForumTopic, closeForumTopic, reopenForumTopic, deleteForumTopic."""
        chat_id = self._require_chat(params)
        if not self._is_forum(chat_id):
            raise ApiError(400, "Bad Request: the chat is not a forum")
        thread_id = params.get("message_thread_id")
        if not isinstance(thread_id, int) or thread_id <= 0:
            raise ApiError(400, "Bad Request: invalid message thread identifier specified")
        topic = self._topics.get(chat_id, {}).get(thread_id)
        if topic is None or topic.deleted:
            raise ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        not_modified = ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        if method_l == "editforumtopic":
            raw_name, raw_emoji = params.get("name"), params.get("icon_custom_emoji_id")
            name = str(raw_name or "").strip()[:MAX_TOPIC_NAME_LENGTH]
            if raw_name and not name:
                raise ApiError(400, "Bad Request: title must be non-empty")
            if not name and raw_emoji is None:
                return True  # nothing to edit: Telegram is not even asked
            new_name = name or topic.name
            new_emoji = topic.icon_custom_emoji_id if raw_emoji is None else str(raw_emoji)
            new_emoji = new_emoji or None  # "" removes the icon
            if (new_name, new_emoji) == (topic.name, topic.icon_custom_emoji_id):
                raise not_modified
            topic.name, topic.icon_custom_emoji_id = new_name, new_emoji
        elif method_l in ("closeforumtopic", "reopenforumtopic"):
            closed = method_l == "closeforumtopic"
            if topic.closed == closed:
                raise not_modified
            topic.closed = closed
        else:
            topic.deleted = True
            messages = self._messages.get(chat_id, {})
            for message_id in [
                mid for mid, m in messages.items() if m.get("message_thread_id") == thread_id
            ]:
                del messages[message_id]
            if self._last_bot_message.get(chat_id) not in messages:
                self._last_bot_message.pop(chat_id, None)
        return True

    def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat_id = self._require_chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
            raise ApiError(400, "Bad Request: invalid user_id specified")
        bot = self._bot_user()
        status = self._member_status.get((chat_id, user_id))
        if status is None:
            in_private = isinstance(chat_id, int) and chat_id > 0
            if user_id == bot["id"]:
                status = "member" if in_private else "administrator"
            else:
                status = "member" if user_id == chat_id else "left"
        if user_id == bot["id"]:
            user = bot
        else:
            user = self._user(user_id) if user_id == chat_id else self._peer(user_id)
        return _chat_member(status, user)

    def _edit_message(self, method_l: str, params: JSONDict) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        chat_id = self._require_chat(params)
        message = self._messages[chat_id].get(params.get("message_id"))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self._bot_user()["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        updated = dict(message)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        updated.pop("reply_markup", None)
        if markup := self._inline_markup(params):
            updated["reply_markup"] = markup
        if method_l == "editmessagetext":
            text = params.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            updated["text"] = text
            updated.pop("entities", None)
            if params.get("entities"):
                updated["entities"] = params["entities"]
        elif method_l == "editmessagecaption":
            updated["caption"] = params.get("caption")
        if {k: v for k, v in updated.items() if k != "edit_date"} == {
            k: v for k, v in message.items() if k != "edit_date"
        }:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        updated["edit_date"] = int(time.time())
        self._messages[chat_id][updated["message_id"]] = updated
        return updated

    def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long poll: confirm below ``offset``, wait up to ``timeout`` for new updates."""
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._cond:
            self._precheck("getupdates", params)
            if self.webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                pending = self._updates[offset:] if offset < 0 else self._updates
                if pending or self._stopping:
                    return copy.deepcopy(pending[:limit])
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(remaining)

    # ------------------------------------------------------------------ control endpoints

    _CONTROL = frozenset(
        {
            "send_text", "send_location", "send_sticker", "send_photo", "send_voice",
            "edit_text", "press", "push_update", "fail_next", "block", "unblock", "delay", "chaos",
            "group_text", "group_photo", "group_press", "set_member_status", "topics",
            "topic_messages",
        }
    )  # fmt: skip

    def _control(self, name: str, raw: JSONDict) -> tuple[int, JSONDict]:
        """Run a whitelisted method with the request's params as keyword arguments."""
        kwargs = decode_params(raw)
        try:
            if name in self._CONTROL:
                if name == "push_update":
                    kwargs = {"payload": kwargs}
                result: Any = getattr(self, name)(**kwargs)
            elif name == "rate_limit":
                overall, per_chat = kwargs.get("overall"), kwargs.get("per_chat")
                self.rate_limit = None if overall is None else (overall, per_chat or 0)
                result = True
            elif name == "sent":
                result = self.sent(kwargs.get("chat_id"))
            elif name == "calls":
                with self._cond:
                    result = [asdict(c) for c in self.calls]
            elif name == "stats":
                with self._cond:
                    result = {"calls": len(self.calls), "rejected_429": self.rejected_429}
                result["sent"] = len(self.sent())
            else:
                return 404, ApiError(404, f"Not Found: no control endpoint {name!r}").body()
        except (TypeError, ValueError) as exc:
            return 400, ApiError(400, f"Bad Request: {exc}").body()
        return 200, json.loads(json.dumps({"ok": True, "result": result}, default=str))


def main(argv: list[str] | None = None) -> None:
    """Run the fake as a standalone server until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--bot-username", default="first48_test_bot")
    parser.add_argument("--log", metavar="FILE", help="append a JSON line per sendMessage")
    parser.add_argument("--delay-send", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--control", action="store_true", help="serve /_control/<name>")
    args = parser.parse_args(argv)

    api = FakeBotAPI(
        token=args.token, host=args.host, port=args.port, bot_username=args.bot_username,
        log_path=args.log, control=args.control,
    )  # fmt: skip
    if args.delay_send:
        api.delay("sendMessage", args.delay_send)

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _terminate)
    api.start()
    print(f"fakebotapi listening on {api.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
        print("fakebotapi stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
