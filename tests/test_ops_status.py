"""/status for hosts: the running service's numbers, privately; every installed work listed
from the library; the store's kind and size; the last backup once one was taken."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

from conftest import CONSOLE, MONDAY_NOON, flat, say

from bot.app import open_core
from bot.core.call import Invocation
from bot.core.library import Library
from bot.core.reply import Visibility
from bot.ops.commands import backup_main
from bot.ops.service import Ops


async def test_status_for_hosts_only_with_the_service_numbers(library: Library,
                                                              tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    ops = Ops("console", started=datetime(2027, 1, 4, 9, 30, tzinfo=UTC), where=str(db))
    async with open_core(db, library=library, rng=random.Random(1), clock=lambda: MONDAY_NOON,
                         status=ops.status) as core:
        ops.store = core.store
        await say(core, "/club create")
        refused = await say(core, "/status", user="member")
        assert refused.kind == "error" and "Only a host" in flat(refused)
        # A host who is no admin may read it; it is only ever theirs to see.
        await say(core, "/club hosts add member")
        shown = await core.run_text(Invocation(CONSOLE, "general", "member"), "/status")
        assert shown.kind == "ok" and shown.visibility is Visibility.PRIVATE
        text = flat(shown)
        assert all(w.title in text and w.id in text for w in library)  # every work, by name
        assert "Up\n2 h 30 min" in text
        assert "sqlite, " in text and "KB" in text
        assert "Last backup\nnone recorded" in text
        assert core.version in text

        code = await asyncio.to_thread(backup_main, tmp_path / "b.db", str(db))
        assert code == 0
        again = flat(await say(core, "/status"))
        assert "Last backup\nnone recorded" not in again and " UTC (" in again


async def test_status_outside_a_service(core) -> None:  # type: ignore[no-untyped-def]
    text = flat(await say(core, "/status"))
    assert "not running as a service" in text and "Works loaded" in text
