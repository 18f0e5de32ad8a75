"""Slack HTTP workers are stateless: two Bolt apps (two workers behind a load balancer), each
on its own core and connection pool over one PostgreSQL database, share nothing but it. An
event Slack delivers twice (with X-Slack-Retry-Num), to one worker and then the other, or to
both at once, is handled once; a submission retried on the other worker is carried out once;
what one worker writes, the other reads at once."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from conftest import MONDAY_NOON, W
from fakes.fake_slack import ADMIN, TEAM, FakeSlack
from helpers.pg_server import PgServer, give_back, take_database
from helpers.slack_world import served

from bot.adapters.slack.app import slack_command
from bot.app import open_core
from bot.core.clubs import Scope
from bot.core.content import Content
from bot.core.service import Core

SCOPE = Scope("slack", TEAM)


@pytest.fixture
async def workers(pack: Content, pg_server: PgServer
                  ) -> AsyncIterator[tuple[FakeSlack, list[tuple[Core, str]]]]:
    fake = FakeSlack()
    await fake.start()
    url = await take_database(pg_server)
    try:
        async with AsyncExitStack() as stack:
            apps = []
            for _ in range(2):
                core = await stack.enter_async_context(
                    open_core(url, content=pack, clock=lambda: MONDAY_NOON))
                _bot, app_url = await stack.enter_async_context(served(core, fake))
                apps.append((core, app_url))
            yield fake, apps
    finally:
        await fake.stop()
        await give_back(pg_server, url)


def event(event_id: str, user: str) -> str:
    return json.dumps({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A0CLUB", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": user, "tab": "home", "channel": "DHOME"}})


async def test_an_event_delivered_to_both_workers_is_handled_once(
        workers: tuple[FakeSlack, list[tuple[Core, str]]]) -> None:
    fake, [(_a, first), (_b, second)] = workers
    before = len(fake.called("views.publish"))
    raw = event("EvTwice", "UHOME")
    # The first delivery to one worker, Slack's retries to the other.
    for app_url, retry in ((first, None), (second, "1"), (first, "2")):
        status, _ = await fake.post(app_url, raw, content_type="application/json",
                                    headers={"X-Slack-Retry-Num": retry} if retry else None)
        assert status == 200
    # And another event delivered to both at the same moment.
    both = event("EvRace", "UHOME2")
    results = await asyncio.gather(*(fake.post(u, both, content_type="application/json")
                                     for u in (first, second)))
    assert [status for status, _ in results] == [200, 200]
    await fake.until(lambda: len(fake.called("views.publish")) >= before + 2)
    await asyncio.sleep(0.2)  # what a second handling would have published, it would by now
    assert len(fake.called("views.publish")) == before + 2


async def test_a_submission_retried_on_the_other_worker_is_carried_out_once(
        workers: tuple[FakeSlack, list[tuple[Core, str]]]) -> None:
    fake, [(core_a, first), (core_b, second)] = workers
    command = slack_command("progress")
    ack, _ = await fake.command(first, command, "novel 5", user="UTWICE", trigger="t-1")
    assert "chapter 5 finished" in json.dumps(ack)
    await fake.command(second, command, "novel 7", user="UTWICE")
    again, _ = await fake.command(second, command, "novel 5", user="UTWICE", trigger="t-1")
    assert "carried out already" in json.dumps(again)
    # What one worker wrote, the other reads: no worker keeps the core's rows to itself.
    assert (await core_a.store.member_progress(SCOPE, "UTWICE", W)).novel == 7
    raced = await asyncio.gather(*(fake.command(u, command, "novel 9", user="URACE",
                                                trigger="t-2") for u in (first, second)))
    said = sorted("carried out already" in json.dumps(ack) for ack, _ in raced)
    assert said == [False, True]
    assert (await core_b.store.member_progress(SCOPE, "URACE", W)).novel == 9


async def test_a_club_made_on_one_worker_is_joined_on_the_other(
        workers: tuple[FakeSlack, list[tuple[Core, str]]]) -> None:
    fake, [(core_a, first), (_b, second)] = workers
    await fake.command(first, slack_command("club"), "create", user=ADMIN, channel="CSHARED")
    ack, _ = await fake.command(second, slack_command("club"), "join", user="UJOIN",
                                channel="CSHARED")
    assert "welcome to the club" in json.dumps(ack).lower()
    club = await core_a.store.club(SCOPE, "CSHARED")
    assert club is not None and club.member_count == 2
