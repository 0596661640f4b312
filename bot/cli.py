"""The ``first48`` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import settings as settings_module
from bot.content import ContentError, build, read_folder
from bot.logs import setup_logging
from bot.settings import Settings, SettingsError
from bot.timeline import Facts, QuietHours, compute

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.nlu import Understander
    from bot.telegram_app import Services

logger = logging.getLogger("first48")


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.telegram_app import Services, build_application

    if not settings.telegram_token:
        print("TELEGRAM_TOKEN is not set: starting the terminal demo (first48 chat).")
        return cmd_chat(settings, args)
    if settings.web_port is not None:
        from bot.web.server import with_secret

        settings = with_secret(settings)
    services = Services.create(settings)
    application = build_application(services)
    if settings.webhook_url:
        if settings.web_port is None:
            print("FIRST48_WEBHOOK_URL needs FIRST48_WEB_PORT: the web app takes the updates")
            return 2
        logger.info("first48 running against %s (webhook)", settings.telegram_api_url)
        asyncio.run(_run_webhook(application, services))
        return 0
    if settings.web_port is not None:
        _serve_web_alongside(application, services)
    logger.info("first48 running against %s", settings.telegram_api_url)
    application.run_polling(allowed_updates=UPDATES)
    return 0


UPDATES = ["message", "edited_message", "callback_query"]


async def _run_webhook(application: Application, services: Services) -> None:
    """Webhook mode: the web app receives the updates (bot/web/telegram_hook.py); Telegram is
    told the URL and the secret token it must send with each one."""
    import uvicorn

    from bot.web import create_app
    from bot.web.server import config

    settings = services.settings
    assert settings.web_port is not None
    server = uvicorn.Server(
        config(create_app(services, telegram=application), settings.web_host, settings.web_port)
    )
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.reveal(),
            allowed_updates=UPDATES,
        )
        try:
            await server.serve()  # until SIGINT or SIGTERM
        finally:
            await application.stop()


def _serve_web_alongside(application: Application, services: Services) -> None:
    """Serve the web app in the bot's own event loop, started and stopped with the bot."""
    from bot.web import create_app
    from bot.web.server import EmbeddedServer, config

    settings = services.settings
    assert settings.web_port is not None
    server = EmbeddedServer(config(create_app(services), settings.web_host, settings.web_port))
    bot_post_init, bot_post_shutdown = application.post_init, application.post_shutdown
    tasks: list[asyncio.Task[None]] = []

    async def post_init(app: Application) -> None:
        if bot_post_init is not None:
            await bot_post_init(app)
        tasks.append(asyncio.create_task(server.serve()))
        logger.info("web app on http://%s:%s", settings.web_host, settings.web_port)

    async def post_shutdown(app: Application) -> None:
        server.should_exit = True
        for task in tasks:
            await task
        if bot_post_shutdown is not None:
            await bot_post_shutdown(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from bot.telegram_app import Services
    from bot.web import create_app
    from bot.web.server import DEFAULT_PORT, config, with_secret

    settings = with_secret(settings)
    host = args.host or settings.web_host
    port = args.port or settings.web_port or DEFAULT_PORT
    services = Services.create(settings)
    app = create_app(services, reload_content=True)
    logger.info("first48 web app on http://%s:%s", host, port)
    if settings.web_https_only:
        logger.info(
            "sign-in cookies are sent over HTTPS only; set FIRST48_WEB_HTTPS_ONLY=false to "
            "sign in over plain http on this machine"
        )
    try:
        uvicorn.Server(config(app, host, port)).run()
    except KeyboardInterrupt:  # uvicorn shuts down cleanly, then passes Ctrl+C on
        pass
    return 0


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("The same password again: ") != password:
        raise SystemExit("first48: the two passwords are different; nothing was created")
    return password


def cmd_admin_create_user(settings: Settings, args: argparse.Namespace) -> int:
    from bot.accounts import AccountError, Accounts
    from bot.store import open_database

    password = _read_password(args)
    accounts = Accounts(open_database(settings.database))
    try:
        user = accounts.create_user(args.username, password, args.role, datetime.now(UTC))
    except AccountError as exc:
        print(f"first48: {exc}", file=sys.stderr)
        return 1
    print(f"created {user.role} account {user.username!r}")
    return 0


def cmd_admin_create_token(settings: Settings, args: argparse.Namespace) -> int:
    from bot.accounts import Accounts
    from bot.store import open_database

    accounts = Accounts(open_database(settings.database))
    user = accounts.by_username(args.username)
    if user is None or user.disabled:
        print(f"first48: no active user called {args.username!r}", file=sys.stderr)
        return 1
    token = accounts.create_token(user.id, args.label, datetime.now(UTC))
    print(token)
    print(
        f"API token for {user.username} ({user.role}); shown only now: keep it secret.",
        file=sys.stderr,
    )
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.telegram_app import Services
    from bot.terminal import Terminal

    # The conversation is the output here; only problems are logged.
    logging.getLogger().setLevel(logging.WARNING)
    database = getattr(args, "database", None) or ":memory:"
    services = Services.create(Settings(**{**settings.__dict__, "database": Path(database)}))
    from bot.hsds import load_sample_if_empty

    # The demo has something to show: sample contacts for Leeds, Brussels and Lisbon.
    load_sample_if_empty(services.directory, services.live.current, services.clock.now())
    asyncio.run(Terminal(services).run())
    return 0


def cmd_content_check(settings: Settings, args: argparse.Namespace) -> int:
    folder = Path(args.folder) if args.folder else settings.content_dir
    content, problems = build(read_folder(folder))
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    if content is None:
        print(f"{errors} error(s): this content would not be loaded.", file=sys.stderr)
        return 1
    count = sum(len(bucket) for bucket in content.messages.values())
    print(
        f"OK: {len(content.timeline)} timeline messages, {count} messages in "
        f"{len(content.messages)} languages, {len(content.areas)} areas."
    )
    return 0


def cmd_content_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import open_database
    from bot.studio import export_folder, live_files

    files = live_files(settings.content_dir, open_database(settings.database))
    written = export_folder(files, Path(args.folder))
    print(f"Wrote {len(written)} files of the live content to {args.folder}.")
    return 0


def cmd_content_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.accounts import Accounts
    from bot.store import open_database
    from bot.studio import Studio, StudioError

    db = open_database(settings.database)
    user = Accounts(db).by_username(args.as_user)
    if user is None:
        print(f"No account {args.as_user!r} (first48 admin create-user).", file=sys.stderr)
        return 1
    try:
        imported = Studio(db, settings.content_dir).import_folder(
            user, Path(args.folder), datetime.now(UTC), direct=args.direct
        )
    except (StudioError, PermissionError) as exc:
        print(exc, file=sys.stderr)
        for problem in getattr(exc, "problems", []):
            print(problem, file=sys.stderr)
        return 1
    state = "live now" if args.direct else "proposed; another peer approves each one"
    print(f"{len(imported.ids)} changed messages imported ({state}).")
    if imported.skipped:
        print(
            f"Not imported ({len(imported.skipped)}): only messages come in through the studio; "
            "change the rest in the content folder."
        )
        for line in imported.skipped:
            print(f"  {line}")
    return 0


def _parse_moment(text: str, zone: ZoneInfo, option: str = "--released") -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(
            f"{option}: expected a date or date-time like 2026-03-06T10:00, got {text!r}"
        ) from None
    if len(text) <= 10:
        moment = datetime.combine(moment.date(), time(10, 0))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def cmd_timeline(settings: Settings, args: argparse.Namespace) -> int:
    try:
        zone = ZoneInfo(args.tz or settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"--tz: unknown time zone {args.tz!r}") from None
    files = read_folder(settings.content_dir)
    if Path(settings.database).exists():  # with the changes approved in the studio
        from bot.store import open_database
        from bot.studio import live_files

        files = live_files(settings.content_dir, open_database(settings.database))
    content, problems = build(files)
    if content is None:
        raise ContentError([p for p in problems if p.severity == "error"])
    facts = Facts(_parse_moment(args.released, zone), zone, args.on_ost, args.housed)
    quiet = QuietHours(settings.quiet_start, settings.quiet_end)
    for planned in compute(content.timeline, facts, quiet):
        message = content.message(planned.message.id, args.lang)
        assert message is not None
        local = planned.due_at.astimezone(zone)
        held = "  (held: quiet hours)" if planned.due_at != planned.nominal_at else ""
        print(f"{local:%a %Y-%m-%d %H:%M}  {planned.message.id:<34} {planned.message.topic}{held}")
    return 0


def cmd_link(settings: Settings, args: argparse.Namespace) -> int:
    import segno

    from bot.companion import deep_link_payload

    content, problems = build(read_folder(settings.content_dir))
    if content is None:
        raise ContentError([p for p in problems if p.severity == "error"])
    try:
        released = date.fromisoformat(args.released)
    except ValueError:
        raise SystemExit(
            f"--released: expected a date like 2026-03-06, got {args.released!r}"
        ) from None
    area_id = None
    if args.area:
        from bot.areas import find_by_name

        area = find_by_name(args.area, content.areas.values())
        if area is None:
            raise SystemExit(f"--area: unknown area {args.area!r}; see content/areas.yml")
        area_id = area.id
    link = f"https://t.me/{settings.bot_username}?start={deep_link_payload(released, area_id)}"
    output = Path(args.qr or f"first48-{released:%Y%m%d}{'-' + area_id if area_id else ''}.png")
    segno.make(link, error="m").save(str(output), scale=8, border=4)
    print(link)
    print(f"QR code: {output}")
    return 0


def _understander(settings: Settings) -> Understander:
    from bot.areas import place_finder
    from bot.nlu import Keywords, RasaClient, Understander
    from bot.screen import DangerScreen

    content, problems = build(read_folder(settings.content_dir))
    if content is None:
        raise ContentError([p for p in problems if p.severity == "error"])
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout) if settings.rasa_url else None
    return Understander(
        rasa,
        Keywords.load(),
        settings.nlu_threshold,
        find_place=place_finder(lambda: content.areas.values()),
        screen=DangerScreen.ready(),
    )


def cmd_nlu_classify(settings: Settings, args: argparse.Namespace) -> int:
    import json

    understander = _understander(settings)

    async def classify() -> None:
        for line in sys.stdin:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            understood = await understander.understand(text, args.lang)
            print(json.dumps(understood.as_json(), ensure_ascii=False), flush=True)
        if understander.rasa is not None:
            await understander.rasa.close()

    asyncio.run(classify())
    return 0


def cmd_nlu_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.nlu_eval import evaluate, load_cases, report

    cases = load_cases(Path(args.file))
    understander = _understander(settings)
    result = asyncio.run(evaluate(understander, cases))
    print(report(result))
    return 0


def cmd_nlu_lookups(settings: Settings, args: argparse.Namespace) -> int:
    from bot.nlu_eval import place_lookup

    content, problems = build(read_folder(settings.content_dir))
    if content is None:
        raise ContentError([p for p in problems if p.severity == "error"])
    target = Path(args.output)
    target.write_text(place_lookup(content.areas.values()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_contacts_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.content import load
    from bot.directory import Directory
    from bot.hsds import ImportFileError, guess_format, import_file
    from bot.store import open_database

    path = Path(args.file)
    try:
        fmt = args.format or guess_format(path)
    except ValueError as exc:
        raise SystemExit(f"first48: {exc}") from None
    content = load(settings.content_dir)
    directory = Directory(open_database(settings.database))
    now = datetime.now(UTC)
    try:
        report = import_file(
            directory,
            content,
            path,
            now,
            fmt=fmt,
            pending=args.pending,
            today=now.astimezone(settings.zone).date(),
        )
    except OSError as exc:
        print(f"first48: can't read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except ImportFileError as exc:
        print(f"first48: {exc}; nothing was imported", file=sys.stderr)
        return 1
    for warning in report.parsed.warnings:
        print(f"warning: {warning}")
    for problem in report.parsed.problems:
        print(problem)
    print(f"imported {report.imported}, skipped {report.skipped}")
    if report.updated or report.unchanged:
        print(f"({report.new} new, {report.updated} updated, {report.unchanged} unchanged)")
    if report.pending and (report.new or report.updated):
        print("waiting for a moderator: nothing is shown to anyone until approved")
    return 1 if report.skipped else 0


def cmd_contacts_search(settings: Settings, args: argparse.Namespace) -> int:
    from bot import areas as area_search
    from bot.content import load
    from bot.directory import Directory, search
    from bot.store import open_database

    content = load(settings.content_dir)
    area = near = None
    if args.area:
        area = area_search.find_by_name(args.area, content.areas.values())
        if area is None:
            raise SystemExit(f"first48: no town called {args.area!r} in content/areas.yml")
    else:
        try:
            lat, lon = (float(v) for v in args.near.split(","))
        except ValueError:
            raise SystemExit(
                f"--near: expected LAT,LON like 53.80,-1.55, got {args.near!r}"
            ) from None
        near = (lat, lon)
    zone = ZoneInfo(area.timezone) if area else settings.zone
    at = _parse_moment(args.at, zone, "--at") if args.at else datetime.now(UTC)
    if args.kind and args.kind not in content.kinds:
        raise SystemExit(f"--kind: one of {', '.join(content.kinds)}")
    result = search(
        Directory(open_database(settings.database)),
        content,
        area=area,
        near=near,
        kinds=(args.kind,) if args.kind else (),
        at=at,
    )
    if result.weekend_gap:
        print("weekend: every OST contact here is closed until Monday")
        for match in result.out_of_hours:
            print(f"  out of hours: {match.contact.name}  {match.contact.data.phone}")
    if not result.matches:
        print("no contacts found")
    for rank, match in enumerate(result.matches, start=1):
        data = match.contact.data
        if match.open_now is None:
            hours = "hours unknown"
        elif match.next_change is None:
            hours = "open" if match.open_now else "closed"
        else:
            when = match.next_change.strftime("%a %H:%M")
            hours = f"open until {when}" if match.open_now else f"closed, opens {when}"
        parts = [f"{rank}. {data.name}", ", ".join(data.kinds), hours]
        if match.distance_km is not None:
            parts.append(f"{match.distance_km:.1f} km")
        if data.phone:
            parts.append(data.phone)
        if match.stale:
            parts.append(f"not checked since {data.verified_on}")
        print("  |  ".join(parts))
    return 0


def cmd_contacts_stale(settings: Settings, args: argparse.Namespace) -> int:
    from bot.accounts import Accounts
    from bot.content import load
    from bot.directory import Directory
    from bot.store import open_database

    content = load(settings.content_dir)
    db = open_database(settings.database)
    directory, accounts = Directory(db), Accounts(db)
    now = datetime.now(UTC)
    hidden = directory.hide_stale(now.astimezone(settings.zone).date(), now)
    for contact in directory.contacts(include_hidden=True):
        if contact.status != "hidden":
            continue
        owner = accounts.user(contact.owner_id) if contact.owner_id is not None else None
        area = content.areas.get(contact.data.area_id)
        print(
            f"{contact.id}  {contact.name}  ({area.name if area else contact.data.area_id})  "
            f"last checked {contact.data.verified_on}  "
            f"owner: {owner.username if owner else 'private link only'}"
        )
    print(f"{len(hidden)} newly hidden; ask their owners to confirm (their pages say so too)")
    return 0


def cmd_contacts_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.content import load
    from bot.directory import Directory
    from bot.hsds import write
    from bot.store import open_database

    output = Path(args.output) if args.output else None
    fmt = args.format or ("csv" if output and output.suffix.lower() == ".csv" else "hsds")
    content = load(settings.content_dir)
    contacts = Directory(open_database(settings.database)).contacts()
    text = write(contacts, fmt, content)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"exported {len(contacts)} contacts to {output}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="first48", description="Peer-support companion for the weeks after release."
    )
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run the bot (Telegram if TELEGRAM_TOKEN is set, else the terminal demo)",
        epilog="example: TELEGRAM_TOKEN=123:abc first48 run",
    )
    run.set_defaults(func=cmd_run)
    web = commands.add_parser(
        "web",
        help="serve the web app: registration, moderation and the JSON API",
        epilog="example: FIRST48_WEB_SECRET=... first48 web --port 8048",
    )
    web.add_argument("--host", help="address to listen on (default: FIRST48_WEB_HOST)")
    web.add_argument("--port", type=int, help="port (default: FIRST48_WEB_PORT, else 8048)")
    web.set_defaults(func=cmd_web)
    admin = commands.add_parser("admin", help="accounts for the web app and the API")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    create_user = admin_commands.add_parser(
        "create-user",
        help="create a moderator, peer editor or service account (asks for the password)",
        epilog="example: first48 admin create-user sam --role moderator",
    )
    create_user.add_argument("username")
    create_user.add_argument(
        "--role", required=True, choices=["moderator", "peer_editor", "service"]
    )
    create_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of asking",
    )
    create_user.set_defaults(func=cmd_admin_create_user)
    create_token = admin_commands.add_parser(
        "create-token",
        help="print a new API token for a user (shown once; only its hash is kept)",
        epilog="example: first48 admin create-token leeds-hub --label 'case system'",
    )
    create_token.add_argument("username")
    create_token.add_argument("--label", default="", help="where the token is used")
    create_token.set_defaults(func=cmd_admin_create_token)
    chat = commands.add_parser(
        "chat",
        help="talk to the bot in this terminal as one person",
        epilog="example: first48 chat   (then type: I got out today, ::wait 6h)",
    )
    chat.add_argument("--database", help="keep the demo in this SQLite file (default: in memory)")
    chat.set_defaults(func=cmd_chat)
    content = commands.add_parser("content", help="work with the peer-written content")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser(
        "check",
        help="validate content; problems as file:line: message",
        epilog="example: first48 content check",
    )
    check.add_argument("folder", nargs="?", help="content folder (default: FIRST48_CONTENT_DIR)")
    check.set_defaults(func=cmd_content_check)
    export = content_commands.add_parser(
        "export",
        help="write the live content (files plus approved studio changes) in the content/ format",
        epilog="example: first48 content export /tmp/our-content-pack",
    )
    export.add_argument("folder", help="folder to write")
    export.set_defaults(func=cmd_content_export)
    imp = content_commands.add_parser(
        "import",
        help="load a content pack: each changed message becomes a proposal for a second peer",
        epilog="example: first48 content import /tmp/their-pack --as amina",
    )
    imp.add_argument("folder", help="a folder in the content/ format")
    imp.add_argument("--as", dest="as_user", required=True, help="the peer account importing")
    imp.add_argument(
        "--direct", action="store_true", help="make the messages live at once (initial load)"
    )
    imp.set_defaults(func=cmd_content_import)
    timeline = commands.add_parser(
        "timeline",
        help="print the planned messages for a release",
        epilog="example: first48 timeline --released 2026-03-06T10:00 --lang en --on-ost yes",
    )
    timeline.add_argument("--released", required=True, help="release date or date-time (local)")
    timeline.add_argument("--lang", default="en", choices=["en", "fr", "de", "nl", "pt"])
    timeline.add_argument("--tz", help="time zone, e.g. Europe/Paris (default: FIRST48_TIMEZONE)")
    timeline.add_argument("--on-ost", default="unknown", choices=["yes", "no", "unknown"])
    timeline.add_argument("--housed", default="unknown", choices=["yes", "no", "unknown"])
    timeline.set_defaults(func=cmd_timeline)
    link = commands.add_parser(
        "link",
        help="print a deep link and write a QR code that pre-fill release day and area",
        epilog="example: first48 link --released 2026-03-06 --area Leeds",
    )
    link.add_argument("--released", required=True, help="release date, YYYY-MM-DD")
    link.add_argument("--area", help="town or city from content/areas.yml")
    link.add_argument("--qr", help="where to write the QR code PNG")
    link.set_defaults(func=cmd_link)
    nlu = commands.add_parser("nlu", help="the language model: classify, evaluate, lookups")
    nlu_commands = nlu.add_subparsers(dest="nlu_command", required=True)
    classify = nlu_commands.add_parser(
        "classify",
        help="one message per line on stdin -> one JSON object per line (the bot's pipeline)",
        epilog='example: echo "need my script" | first48 nlu classify',
    )
    classify.add_argument("--lang", help="the person's language, if known (en, fr, de, nl, pt)")
    classify.set_defaults(func=cmd_nlu_classify)
    evaluate = nlu_commands.add_parser(
        "eval",
        help="accuracy, per-intent P/R/F1, emergency recall and false positives on a test set",
        epilog="example: first48 nlu eval tests/nlu/heldout.jsonl",
    )
    evaluate.add_argument("file", help='JSON lines: {"text": ..., "intent": ..., "lang": ...}')
    evaluate.set_defaults(func=cmd_nlu_eval)
    lookups = nlu_commands.add_parser(
        "lookups",
        help="write the Rasa lookup table of places from content/areas.yml",
        epilog="example: first48 nlu lookups",
    )
    lookups.add_argument(
        "--output",
        default=str(
            Path(__file__).resolve().parent.parent / "nlu" / "data" / "lookups" / "place.yml"
        ),
    )
    lookups.set_defaults(func=cmd_nlu_lookups)
    contacts = commands.add_parser("contacts", help="the directory of local contacts")
    contacts_commands = contacts.add_subparsers(dest="contacts_command", required=True)
    contacts_import = contacts_commands.add_parser(
        "import",
        help="load a directory (Open Referral HSDS 3.0 JSON or our CSV); bad rows are "
        "reported by row number and left out, the rest imported and published",
        epilog="example: first48 contacts import leeds-services.json --pending",
    )
    contacts_import.add_argument("file", help="the file to import (.json: HSDS, .csv: CSV)")
    contacts_import.add_argument(
        "--format", choices=["hsds", "csv"], help="default: from the file name's extension"
    )
    contacts_import.add_argument(
        "--pending",
        action="store_true",
        help="queue the entries for a moderator instead of publishing them at once",
    )
    contacts_import.set_defaults(func=cmd_contacts_import)
    contacts_search = contacts_commands.add_parser(
        "search",
        help="the contacts the bot would show, in the same order: by town or near a point",
        epilog="example: first48 contacts search --area leeds --kind ost_prescriber "
        "--at 2026-12-04T18:00",
    )
    where = contacts_search.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", help="a town in content/areas.yml (any spelling)")
    where.add_argument("--near", help="LAT,LON of a shared location: nearest first")
    contacts_search.add_argument("--kind", help="one kind from content/kinds.yml")
    contacts_search.add_argument(
        "--at", help="the moment to check opening hours for (default: now), local to the town"
    )
    contacts_search.set_defaults(func=cmd_contacts_search)
    contacts_stale = contacts_commands.add_parser(
        "stale",
        help="hide contacts not checked for 12 months and list them with their owners, "
        "to ask them to confirm",
        epilog="example: first48 contacts stale",
    )
    contacts_stale.set_defaults(func=cmd_contacts_stale)
    contacts_export = contacts_commands.add_parser(
        "export",
        help="write every published contact as Open Referral HSDS 3.0 JSON or CSV",
        epilog="example: first48 contacts export --format csv --output contacts.csv",
    )
    contacts_export.add_argument(
        "--format", choices=["hsds", "csv"], help="default: csv for a .csv output, else hsds"
    )
    contacts_export.add_argument("--output", help="write to this file (default: standard output)")
    contacts_export.set_defaults(func=cmd_contacts_export)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = settings_module.from_environ()
    except SettingsError as exc:
        print(f"first48: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format)
    try:
        return args.func(settings, args)
    except BrokenPipeError:  # `first48 timeline | head`
        sys.stderr.close()
        return 0
    except ContentError as exc:
        print(exc, file=sys.stderr)
        print("first48: the content has errors; run `first48 content check`.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
