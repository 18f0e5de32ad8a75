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


async def serve(db: str | PathLike[str], *, as_json: bool, pictures: Path | None = None
                ) -> int:
    def console(core: Core, _state: AdapterState) -> Console:
        return Console(core, as_json=as_json, tz=local_zone(), pictures=pictures)

    try:
        async with serving(db, "console", console) as running:
            await running.run()
    except StartupError as err:
        print(err, file=sys.stderr)
        return 1
    return 0
