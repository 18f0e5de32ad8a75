"""The store's part of pictures: SQLite's migration 6 (clubs made before it have members off
their chart and images off), and on both stores (``open_here``, conftest.py) a club's picture
settings, a member's privacy and name, and the members' points a chart reads (club members
only, in joining order, scoped)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.clubs import MemberPoint, Scope
from bot.core.timeline import Medium, Progress
from bot.store.sqlite import MIGRATIONS, SqliteStore, UnknownClub

Opener = Callable[..., Awaitable[Any]]
W = "never-let-me-go"
R = "remains-of-the-day"
DISCORD = Scope("discord", "guild-1")
OTHER = Scope("discord", "guild-2")


async def test_a_club_from_before_pictures_keeps_members_and_images_off(tmp_path: Path) -> None:
    db = tmp_path / "club.db"
    async with await SqliteStore.open(db, migrations=MIGRATIONS[:5]) as old:
        made = await old.create_club(DISCORD, "chan", medium=Medium.BOTH, tz="UTC",
                                     host="hana", work=W)
    async with await SqliteStore.open(db) as store:
        club = await store.club_by_id(made.id)
        assert club is not None and not club.chart_members and not club.images
        assert await store.club_member_points(made.id, W) == ()


async def test_picture_settings_change_one_at_a_time_and_last(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(DISCORD, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        assert not club.chart_members and not club.images
        await store.set_club_pictures(club.id, members=True)
        await store.set_club_pictures(club.id, images=True)
        await store.set_club_pictures(club.id, members=False)
        with pytest.raises(UnknownClub):
            await store.set_club_pictures(club.id + 99, images=True)
    async with await open_here() as store:
        again = await store.club(DISCORD, "chan")
        assert again is not None and not again.chart_members and again.images
        ctx = await store.context(DISCORD, "chan", "hana")
        assert ctx.club is not None and ctx.club.images


async def test_members_points_are_the_clubs_members_with_progress(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(DISCORD, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        for user in ("sam", "jo", "kit", "gone"):
            await store.join_club(club.id, user)
        await store.set_member_progress(DISCORD, "sam", W, novel=12)
        await store.set_member_progress(DISCORD, "jo", W, film=45)
        await store.set_member_progress(DISCORD, "kit", R, novel=3)  # another work only
        await store.set_member_progress(DISCORD, "gone", W, novel=5)
        await store.leave_club(club.id, "gone")
        await store.set_member_progress(DISCORD, "stranger", W, novel=20)  # not a member
        await store.set_member_progress(OTHER, "hana", W, novel=23)  # another guild's hana
        assert await store.set_member_settings(DISCORD, "sam", name="  Sam   Lee ") is False
        assert await store.set_member_settings(DISCORD, "jo", private=True) is True
        # A later name keeps the privacy; a later privacy keeps the name.
        assert await store.set_member_settings(DISCORD, "jo", name="Jo") is True
        assert await store.set_member_settings(DISCORD, "sam", private=False) is False
        points = await store.club_member_points(club.id, W)
        assert points == (MemberPoint("sam", "Sam Lee", Progress(12, 0), False),
                          MemberPoint("jo", "Jo", Progress(0, 45), True))
        assert await store.club_member_points(club.id, R) == (
            MemberPoint("kit", None, Progress(3, 0), False),)
        assert await store.set_member_settings(DISCORD, "jo", private=False) is False
        assert (await store.club_member_points(club.id, W))[1].private is False


async def test_a_long_name_is_kept_short(open_here: Opener) -> None:
    async with await open_here() as store:
        club = await store.create_club(DISCORD, "chan", medium=Medium.BOTH, tz="UTC",
                                       host="hana", work=W)
        await store.set_member_progress(DISCORD, "hana", W, novel=1)
        await store.set_member_settings(DISCORD, "hana", name="x" * 500)
        (point,) = await store.club_member_points(club.id, W)
        assert point.name == "x" * 100
