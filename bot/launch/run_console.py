"""`python -m bot console`: the whole bot on this terminal, with its scheduler, on a local
SQLite file; no token, no network."""

from __future__ import annotations

import sys
from os import PathLike

from bot.adapters.console import Console, local_zone
from bot.adapters.state import AdapterState
from bot.app import StartupError, serving
from bot.core.service import Core
from bot.ops.health import PlatformCheck
from bot.ops.service import Ops


async def serve(db: str | PathLike[str], *, as_json: bool) -> int:
    def console(core: Core, _state: AdapterState) -> Console:
        return Console(core, as_json=as_json, tz=local_zone())

    try:
        ops = Ops.from_env("console")  # off unless BOT_OPS_PORT is set
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2

    def ready(_console: Console) -> PlatformCheck:
        async def here() -> tuple[bool, str]:
            return True, "the console, on this terminal"

        return here

    try:
        async with serving(db, "console", console, ops=ops, ready=ready) as running:
            await running.run()
    except StartupError as err:
        print(err, file=sys.stderr)
        return 1
    return 0
