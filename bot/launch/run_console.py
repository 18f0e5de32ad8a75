"""`python -m bot console`: the whole bot on this terminal, with its scheduler, on a local
SQLite file; no token, no network."""

from __future__ import annotations

import sys
from os import PathLike
from pathlib import Path

from bot.adapters.console import Console, local_zone
from bot.adapters.state import AdapterState
from bot.app import StartupError, serving
from bot.core.service import Core
from bot.ops.health import PlatformCheck
from bot.ops.metrics import Metrics
from bot.ops.service import Ops
from bot.ops.watch import Watch


async def serve(db: str | PathLike[str], *, as_json: bool, pictures: Path | None = None,
                ops_port: int | None = None) -> int:
    def console(core: Core, _state: AdapterState) -> Console:
        return Console(core, as_json=as_json, tz=local_zone(), pictures=pictures)

    # Off unless asked for here: BOT_OPS_PORT is the services' (a console started beside
    # them in their container would find the port taken).
    metrics = Metrics() if ops_port is not None else None
    ops = Ops("console", port=ops_port, metrics=metrics, watch=Watch(metrics))

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
