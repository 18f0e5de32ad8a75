"""`python -m bot console|discord|slack|check|new-work|store|health|backup|restore|ask-eval|
ask-fit|ask-vectors`: the command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot import __version__
from bot.ask_eval import SETS
from bot.config import content_root, default_database, default_pictures_dir, log_file_path

log = logging.getLogger("bot")
_Commands = argparse._SubParsersAction  # what add_subparsers returns


def _log_to_file(verbose: bool) -> None:
    """On the console the terminal is the user's: tracebacks go to a log file, not to them."""
    from bot.ops import logs

    handlers: list[logging.Handler] = []
    try:
        path = log_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    except OSError:
        handlers.append(logging.NullHandler())
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    logs.setup(logging.INFO if verbose else logging.WARNING, handlers=handlers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="A spoiler-aware discussion bot for book and film clubs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _service_parsers(sub)
    _operation_parsers(sub)
    _content_parsers(sub)
    return parser


def _service_parsers(sub: _Commands) -> None:
    """The bot itself: on this terminal, on Discord, on Slack."""
    console = sub.add_parser("console", help="talk to the bot on this terminal (no token)")
    console.add_argument("--db", default=None,
                         help="SQLite file or postgresql:// URL (default: BOT_DATABASE_URL, "
                              "else BOT_DB_PATH, else your data directory; ':memory:' for none)")
    console.add_argument("--json", action="store_true",
                         help="print one JSON object per reply, for scripts")
    console.add_argument("--ops-port", type=int, default=None,
                         help="serve health, readiness and metrics on this port (default: "
                              "none; BOT_OPS_PORT is for the services)")
    console.add_argument("--pictures", default=None, metavar="DIR",
                         help="where pictures such as /club chart are written (default: "
                              "BOT_PICTURES_DIR, or in your data directory)")
    discord = sub.add_parser("discord", help="run the Discord bot (needs DISCORD_TOKEN)")
    discord.add_argument("--db", default=None,
                         help="SQLite file or postgresql:// URL (default: BOT_DATABASE_URL, "
                              "else BOT_DB_PATH, else your data directory)")
    discord.add_argument("--invite", action="store_true",
                         help="print the link that adds the bot to a server, and exit")
    slack = sub.add_parser("slack", help="run the Slack bot (Socket Mode, or --http)")
    slack.add_argument("--db", default=None,
                       help="SQLite file or postgresql:// URL (default: BOT_DATABASE_URL, "
                              "else BOT_DB_PATH, else your data directory)")
    slack.add_argument("--http", action="store_true",
                       help="serve Slack's requests over HTTP (needs SLACK_SIGNING_SECRET) "
                            "instead of Socket Mode (needs SLACK_APP_TOKEN)")
    slack.add_argument("--port", type=int, default=3000, help="the HTTP port (default 3000)")
    slack.add_argument("--manifest", action="store_true",
                       help="print the Slack app manifest for these commands, and exit")


def _operation_parsers(sub: _Commands) -> None:
    """Running it: the store, the checks, health, backups."""
    store = sub.add_parser("store", help="manage the database (copy it to another store)")
    store_sub = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    copy = store_sub.add_parser(
        "copy", help="copy every row from one store to another (SQLite <-> PostgreSQL)")
    copy.add_argument("source", help="SQLite file, sqlite:///path or postgresql:// URL")
    copy.add_argument("target", help="SQLite file, sqlite:///path or postgresql:// URL")
    copy.add_argument("--force", action="store_true",
                      help="replace the target's rows if it has any")
    check = sub.add_parser("check", help="validate every work's facts and prompts, and build "
                                         "the bot once")
    check.add_argument("--content", type=Path, default=None,
                       help="folder holding facts/ and prompts/ (default: BOT_CONTENT_DIR, or "
                            "this checkout)")
    health = sub.add_parser("health", help="ask the running service if it is ready (exit 0) "
                                           "or not (exit 1), on BOT_OPS_PORT")
    health.add_argument("--live", action="store_true",
                        help="only whether the process answers (/healthz), not /readyz")
    health.add_argument("--port", type=int, default=None, help="default: BOT_OPS_PORT")
    backup = sub.add_parser("backup", help="copy the live database to PATH, consistently, "
                                           "and check the copy")
    backup.add_argument("path", type=Path, help="the backup file to write (must not exist)")
    backup.add_argument("--db", default=None, help="default: BOT_DB_PATH")
    restore = sub.add_parser("restore", help="put the backup at PATH in place of the database "
                                             "(refused while a bot runs on it)")
    restore.add_argument("path", type=Path, help="a file written by `python -m bot backup`")
    restore.add_argument("--db", default=None, help="default: BOT_DB_PATH")


def _content_parsers(sub: _Commands) -> None:
    """The packs and /ask's question sets."""
    new = sub.add_parser("new-work", help="write a skeleton pack for a new work, to fill in")
    new.add_argument("id", help="the work's id: lower-case letters, digits and hyphens")
    new.add_argument("--title", default=None, help="its title (default: from the id)")
    new.add_argument("--author", default=None, help="its author")
    new.add_argument("--year", type=int, default=None, help="the year it was published")
    new.add_argument("--content", type=Path, default=None,
                     help="folder holding facts/ and prompts/ (default: BOT_CONTENT_DIR, or "
                          "this checkout)")
    evaluate = sub.add_parser("ask-eval", help="score /ask on the question sets in tests/ask")
    evaluate.add_argument("--work", default="all",
                          help="the work whose sets to ask, by id (default: all)")
    evaluate.add_argument("--set", dest="which", default="all",
                          choices=(*SETS, "all"),
                          help="which set to ask (default: all)")
    evaluate.add_argument("--misses", action="store_true",
                          help="list each miss of the dev and probe sets, with its answer")
    evaluate.add_argument("--heldout-misses", action="store_true",
                          help="list the held-out misses too (for the README, never to tune)")
    vectors = sub.add_parser("ask-vectors", help="store each work's passage vectors for /ask "
                             "beside its pack (after editing the content)")
    vectors.add_argument("--content", type=Path, default=None,
                         help="folder holding facts/ and prompts/ (default: BOT_CONTENT_DIR, "
                              "or this checkout)")
    fitting = sub.add_parser("ask-fit", help="fit /ask's weights on the dev and probe sets")
    fitting.add_argument("--train", default=None,
                         help="sets to fit on, as work/set,... (default: every dev and probe)")
    fitting.add_argument("--test", default=None,
                         help="sets only reported, as work/set,... (never a held-out set)")
    fitting.add_argument("--write", action="store_true",
                         help="write the fitted weights to bot/core/ask/weights.yaml")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "console":
        _log_to_file(args.verbose)
    else:
        # A service's log is its stderr (docker logs, journald); INFO tells what it is doing.
        from bot.ops import logs

        quiet = args.command not in ("discord", "slack") and not args.verbose
        logs.setup(logging.WARNING if quiet else logging.INFO, stream=sys.stderr)
    if args.command == "console":
        return asyncio.run(_console(args.db, args.json, args.pictures, args.ops_port))
    if args.command == "discord":
        return _discord(args.db, args.invite)
    if args.command == "slack":
        return _slack(args)
    if args.command == "check":
        return asyncio.run(_check(args.content))
    if args.command == "store":
        return asyncio.run(_store_copy(args.source, args.target, args.force))
    if args.command == "health":
        from bot.ops.probe import main as probe

        return probe(args.port, live=args.live)
    if args.command in ("backup", "restore"):
        from bot.ops.commands import backup_main, restore_main

        run = backup_main if args.command == "backup" else restore_main
        return run(args.path, args.db or str(default_database()))
    if args.command == "new-work":
        from bot.new_work import main as new_work

        return new_work(args.content or content_root(), args.id, args.title, args.author,
                        args.year)
    if args.command == "ask-vectors":
        from bot.ask_vectors import write_all

        print("\n".join(write_all(args.content or content_root())))
        return 0
    if args.command == "ask-fit":
        from bot.ask_fit import main as ask_fit

        return ask_fit(args.train, args.test, args.write)
    if args.command == "ask-eval":
        from bot.ask_eval import main as ask_eval

        return ask_eval(args.work, args.which, args.misses, args.heldout_misses)
    _parser().print_help()
    return 2


async def _console(db: str | None, as_json: bool, pictures: str | None,
                   ops_port: int | None) -> int:
    from bot.launch import run_console

    return await run_console.serve(db or default_database(), as_json=as_json,
                                   pictures=Path(pictures) if pictures else
                                   default_pictures_dir(), ops_port=ops_port)


def _discord(db: str | None, invite: bool) -> int:
    from bot.config import load_env_file
    from bot.launch import run_discord as launch

    load_env_file()
    if invite:
        return launch.print_invite()
    try:
        return asyncio.run(launch.serve(db or default_database()))
    except KeyboardInterrupt:
        return 0


def _slack(args: argparse.Namespace) -> int:
    from bot.config import load_env_file
    from bot.launch import run_slack as launch

    if args.manifest:
        return launch.print_manifest()
    load_env_file()
    try:
        return asyncio.run(launch.serve(args.db or default_database(), http=args.http,
                                        port=args.port))
    except KeyboardInterrupt:
        return 0


async def _store_copy(source: str, target: str, force: bool) -> int:
    from bot.app import legacy_work, load_library
    from bot.store.address import shown
    from bot.store.copy import CopyRefused, copy_store
    from bot.store.errors import StoreError
    from bot.store.open import UnknownStore

    try:
        copied = await copy_store(source, target, force=force,
                                  legacy_work=legacy_work(load_library()))
    except (CopyRefused, StoreError, UnknownStore, OSError) as err:
        text = str(err)
        print(text[:1].upper() + text[1:], file=sys.stderr)
        return 1
    for table, n in copied.counts.items():
        print(f"  {table}: {n}")
    print(f"Copied {copied.total} rows from {shown(source)} to {shown(target)}; the counts match.")
    return 0


async def _check(root: Path | None) -> int:
    from bot.app import load_library, open_core
    from bot.core.call import Invocation
    from bot.core.clubs import Scope
    from bot.core.content.loader import check_library

    root = root or content_root()
    issues = check_library(root)
    if issues:
        print(f"{len(issues)} problem(s) in {root}:", file=sys.stderr)
        for issue in issues:
            print(f"  - {issue}", file=sys.stderr)
        return 1
    library = load_library(root)
    # A smoke boot: the registry builds and the core answers on an in-memory store, for
    # every work.
    async with open_core(":memory:", library=library) as core:
        for work in library:
            reply = await core.run_text(
                Invocation(Scope("check", "check"), "check", "check"), f"/about work:{work.id}")
            if reply.kind != "ok":
                print(f"The bot did not answer /about for {work.id}: "
                      + " ".join(reply.texts()), file=sys.stderr)
                return 1
    for work in library:
        content = work.content
        cards = sum(len(c) for c in content.cards.values())
        print(f"{work.id}: {len(content.sources)} sources, {len(content.people)} people, "
              f"{len(content.facts)} facts, {cards} cards, {len(content.prompts)} prompts.")
    print(f"Content OK: {len(library)} works; the default is {library.default.id}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
