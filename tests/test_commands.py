"""Every command through the real core and a real SQLite store."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app import open_core
from bot.core.call import Upload
from bot.core.content import CardKind, Content
from bot.core.reply import Action, Kind, PartState, Visibility
from bot.core.service import Core, Invocation
from tests.conftest import CONSOLE, W, flat, say


def _questions() -> Upload:
    """Three questions, so `/questions remove 3` has one to remove."""
    data = "".join(f"- {{text: Question {n} about the book for the club?, depth: deep, "
                   f"chapter: {n}}}\n" for n in (1, 2, 3)).encode()

    async def read(most: int) -> bytes:
        return data[:most]
    return Upload("questions.yaml", len(data), read)


def _examples(core: Core) -> list[str]:
    return [e for c in core.registry for e in c.examples_for(core.library.default.info)]


async def test_every_declared_example_answers(core: Core) -> None:
    await say(core, "/club create both")
    # Examples show the words; a club that has finished lets every one of them answer.
    await say(core, "/club progress novel done")
    await say(core, "/club progress film done")
    for line in _examples(core):
        if line.startswith("/club create"):
            continue
        if line == "/session deeper":  # for members further along than the night
            await say(core, "/progress novel done")
        # A member joins and leaves; the host (who may not leave a club alone) runs the rest.
        user = "sam" if line in ("/club join", "/club leave") else "you"
        if line.startswith("/questions upload"):  # a file goes with it, as adapters give it
            reply = await core.run_text(Invocation(CONSOLE, "general", "you", is_admin=True,
                                                   upload=_questions()), line)
        else:
            reply = await say(core, line, user=user)
        assert reply.kind is Kind.OK, (line, flat(reply))
        assert reply.title or reply.parts or reply.fields, line


async def test_every_card_answers_by_name_and_alias(core: Core, pack: Content) -> None:
    await say(core, "/club create both")
    await say(core, "/club progress novel 23")
    await say(core, "/club progress film done")
    commands = {CardKind.CHARACTER: "character", CardKind.SETTING: "setting",
                CardKind.TERM: "glossary", CardKind.THEME: "theme",
                CardKind.DIFFERENCE: "compare"}
    for kind, command in commands.items():
        for card in pack.cards_of(kind):
            for name in (card.name, card.name.upper(), *(a.name for a in card.aliases
                                                          if a.reveal.safe)):
                reply = await say(core, f"/{command} {name}")
                assert reply.kind is Kind.OK, (command, name, flat(reply))
                assert reply.title == card.name
                assert reply.withheld is None


async def test_a_card_not_yet_open_answers_like_a_name_that_does_not_exist(
        core: Core, pack: Content) -> None:
    """Neither the reply nor its hints may confirm a guess at something that has not opened."""
    commands = {CardKind.TERM: "glossary", CardKind.DIFFERENCE: "compare",
                CardKind.CHARACTER: "character", CardKind.SETTING: "setting"}
    gated = [(kind, card) for kind in commands for card in pack.cards_of(kind)
             if not card.reveal.safe]
    assert gated
    for kind, card in gated:
        for name in (card.name, *(a.name for a in card.aliases)):
            known = await say(core, f"/{commands[kind]} {name}")
            unknown = await say(core, f"/{commands[kind]} {'x' * len(name)}")
            assert known.kind is Kind.ERROR
            assert known.parts[0].text.replace(name, "?") == unknown.parts[0].text.replace(
                "x" * len(name), "?")
            assert known.withheld is None


@pytest.mark.parametrize("line", [
    "/character kathy", "/character Kathy H.", "/character KATHY", "/character  kathy  h ",
    "/character kathie", "/character Kathy’s",
])
async def test_names_are_forgiving(core: Core, line: str) -> None:
    reply = await say(core, line)
    assert reply.kind is Kind.OK, flat(reply)
    assert reply.title == "Kathy H."


@pytest.mark.parametrize("line", ["/theme agency", "/theme human", "/theme what makes us human",
                                  "/theme The Illusion of Agency"])
async def test_theme_names(core: Core, line: str) -> None:
    reply = await say(core, line)
    assert reply.kind is Kind.OK, flat(reply)
    assert reply.title in {"The illusion of agency", "What makes us human"}


async def test_unknown_name_gets_did_you_mean(core: Core) -> None:
    reply = await say(core, "/character rut")
    text = flat(reply)
    assert reply.kind is Kind.ERROR
    assert "Ruth" in text
    assert reply.visibility is Visibility.PRIVATE


async def test_channel_replies_follow_the_club_and_private_ones_the_member(core: Core) -> None:
    await say(core, "/club create novel")
    await say(core, "/club progress novel 23")
    public = await say(core, "/character ruth", user="sam")
    assert public.withheld is None and public.audience.who == "the club"
    private = await say(core, "/character ruth", user="sam", private=True)
    assert private.visibility is Visibility.PRIVATE
    assert private.withheld is not None and private.audience.who == "you"
    await say(core, "/progress novel 23", user="sam")
    private = await say(core, "/character ruth", user="sam", private=True)
    assert private.withheld is None


async def test_no_club_means_everyone_is_at_the_start(core: Core) -> None:
    reply = await say(core, "/character tommy")
    assert reply.audience.who == "this channel"
    assert (reply.audience.progress_novel, reply.audience.progress_film) == (0, 0)
    assert reply.withheld is not None and reply.withheld.count >= 1


async def test_tag_mode_marks_gated_parts_and_off_shows_everything(core: Core) -> None:
    await say(core, "/club create")
    await say(core, "/club spoilers tag")
    tagged = await say(core, "/character ruth")
    assert tagged.withheld is None
    assert any(p.state is PartState.TAG and p.opens for p in tagged.parts)
    await say(core, "/club spoilers off")
    off = await say(core, "/character ruth")
    assert off.withheld is None
    assert all(p.state is PartState.SHOW for p in off.parts)


async def test_progress_is_private_and_saved(core: Core) -> None:
    reply = await say(core, "/progress novel 7", user="sam")
    assert reply.visibility is Visibility.PRIVATE
    assert "chapter 7" in flat(reply)
    await say(core, "/progress film 1:10", user="sam")
    shown = await say(core, "/progress", user="sam")
    assert "chapter 7" in flat(shown) and "1:10" in flat(shown)
    await say(core, "/progress reset", user="sam")
    assert "not started" in flat(await say(core, "/progress", user="sam"))


@pytest.mark.parametrize(("line", "words"), [
    ("/progress novel 99", "23 chapters"),
    ("/progress film -4", "0 to 103"),
    ("/progress film 1:75", "00 to 59"),
    ("/progress film soon", "H:MM"),
    ("/progress novel", "needs CHAPTER"),
    ("/nonsense", "don't know the command"),
    ("/film trivia", "`/film` needs one of"),
    ("/progress novel 3 4", "not `3 4`"),
    ("/club spoilers loud", "must be one of"),
    ("/club create saga", "must be one of"),
    ("/club create both Mars/Olympus", "not a time zone"),
    ("/character " + "x" * 300, "too long"),
    ("/search " + "y" * 10_000, "too long for a command"),
    ("/progress novel 5\x07", "control characters"),
    ("/club hosts add <script>", "not a member I can recognise"),
    ("/club hosts add @everyone", "is everyone, not a member"),
    ("/club hosts add <!here>", "is everyone, not a member"),
    ("/club hosts add @here", "is everyone, not a member"),
    ("/help club nonsense", "has no `nonsense`"),
    ("", "Type a command"),
])
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(core: Core, line: str,
                                                                  words: str) -> None:
    before = await core.store.member_progress(core_scope(), "you", W)
    reply = await say(core, line)
    assert reply.kind is Kind.ERROR, flat(reply)
    assert words in flat(reply), flat(reply)
    assert "Traceback" not in flat(reply)
    assert await core.store.member_progress(core_scope(), "you", W) == before


def core_scope():
    return CONSOLE


async def test_members_cannot_run_host_commands(core: Core) -> None:
    await say(core, "/club create both")
    await say(core, "/club join", user="sam")
    for line in ("/club progress novel 9", "/club spoilers off", "/club hosts add sam"):
        reply = await say(core, line, user="sam")
        assert reply.kind is Kind.ERROR
        assert "Only a host" in flat(reply)
    club = await core.store.club(core_scope(), "general")
    assert club is not None
    assert club.progress.novel == 0 and club.mode.value == "hide" and club.hosts == ("you",)


async def test_host_commands_without_a_club_explain_themselves(core: Core) -> None:
    reply = await say(core, "/club spoilers tag", user="sam")
    assert reply.kind is Kind.ERROR and "/club create" in flat(reply)


async def test_club_lifecycle(core: Core) -> None:
    created = await say(core, "/club create novel Europe/London", user="ann", channel="books")
    assert created.kind is Kind.OK
    assert "<@ann>" in flat(created)  # the core's neutral mention; adapters render it
    again = await say(core, "/club create", user="bob", channel="books")
    assert again.kind is Kind.ERROR and "already has a club" in flat(again)
    assert (await say(core, "/club join", user="bob", channel="books")).kind is Kind.OK
    assert "already a member" in flat(await say(core, "/club join", user="bob", channel="books"))
    await say(core, "/club hosts add @bob", user="ann", channel="books")
    await say(core, "/club progress novel 9", user="bob", channel="books")
    info = await say(core, "/club info", channel="books")
    assert "chapter 9" in flat(info) and "<@bob>" in flat(info) and "Europe/London" in flat(info)
    await say(core, "/club hosts remove <@ann>", user="bob", channel="books")
    last = await say(core, "/club leave", user="bob", channel="books")
    assert last.kind is Kind.ERROR and "only host" in flat(last)
    assert "left" in flat(await say(core, "/club leave", user="ann", channel="books"))


async def test_prompts_do_not_repeat_in_a_club(core: Core, pack: Content) -> None:
    await say(core, "/club create both")
    await say(core, "/club progress novel 23")
    await say(core, "/club progress film done")
    seen = []
    for _ in range(len(pack.prompts)):
        reply = await say(core, "/prompt")
        assert reply.kind is Kind.OK, flat(reply)
        seen.append(reply.parts[0].text)
    assert len(set(seen)) == len(pack.prompts)
    again = await say(core, "/prompt")
    assert "repeating" in flat(again)


async def test_prompts_warm_up_first_and_respect_theme(core: Core, pack: Content) -> None:
    await say(core, "/club create both")
    await say(core, "/club progress novel 23")
    reply = await say(core, "/prompt agency")
    assert reply.title == "Discussion prompt · warm-up"
    assert "The illusion of agency" in flat(reply)


async def test_at_the_start_only_spoiler_free_prompts_come(core: Core, pack: Content) -> None:
    safe = {p.text for p in pack.prompts if p.reveal.safe}
    await say(core, "/club create both")
    for _ in range(2 * len(safe) + 1):
        reply = await say(core, "/prompt")
        assert reply.parts[0].text in safe


async def test_no_prompt_before_anything_opens(pack: Content, tmp_path) -> None:
    gated_only = replace(pack, prompts=tuple(p for p in pack.prompts if not p.reveal.safe))
    async with open_core(tmp_path / "x.db", content=gated_only) as core:
        reply = await say(core, "/prompt")
    assert reply.kind is Kind.ERROR
    assert "open yet" in flat(reply)


async def test_search_finds_safe_facts_and_holds_back_story(core: Core) -> None:
    reply = await say(core, "/search Portman")
    assert reply.kind is Kind.OK and "Rachel Portman" in flat(reply)
    gated = await say(core, "/search deferral")
    nothing = await say(core, "/search zqzqzqzq")
    # Hits that have not opened are not counted: the answer is the one for no match at all.
    assert gated.kind is Kind.ERROR
    assert nothing.kind is Kind.ERROR
    assert gated.withheld is None
    assert flat(gated).replace("deferral", "?") == flat(nothing).replace("zqzqzqzq", "?")


async def test_help_is_generated_from_the_declarations(core: Core) -> None:
    text = flat(await say(core, "/help"))
    for command in core.registry:
        assert f"/{command.path}" in text
    detail = flat(await say(core, "/help club"))
    assert "Only a club host" in detail
    assert (await say(core, "/film")).title.startswith("/film")
    assert "Did you mean" in flat(await say(core, "/help flim"))


async def test_about_names_the_version_and_how_spoilers_work(core: Core) -> None:
    text = flat(await say(core, "/about"))
    assert core.version in text and "How spoilers work" in text


async def test_film_and_book_topics_cite_sources(core: Core) -> None:
    for line in ("/film cast", "/film crew", "/film awards", "/book honours"):
        reply = await say(core, line)
        assert reply.sources, line
    assert "Carey Mulligan" in flat(await say(core, "/film cast"))
    assert "Mark Romanek" in flat(await say(core, "/film crew"))


async def test_an_unexpected_error_is_logged_not_shown(core: Core, caplog,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        async def context(self, *args, **kwargs):
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(core, "deps", replace(core.deps, store=Broken()))
    reply = await say(core, "/character kathy")
    assert reply.kind is Kind.ERROR and "something went wrong" in flat(reply)
    assert "disk on fire" not in flat(reply)
    assert any("disk on fire" in r.getMessage() or r.exc_info for r in caplog.records)


async def test_typed_options_take_the_same_path(core: Core) -> None:
    """Discord passes a command path and typed values; they are checked like typed text."""
    inv = Invocation(CONSOLE, "general", "sam")
    saved = await core.run(inv, "progress novel", {"chapter": "5"})
    assert saved.kind is Kind.OK
    assert "chapter 5" in flat(saved)
    assert (await core.run(inv, "progress novel", {"chapter": "30"})).kind is Kind.ERROR
    assert "no option" in flat(await core.run(inv, "progress novel", {"page": "2"}))
    assert "don't know the command" in flat(await core.run(inv, "film trivia", {}))
    card = await core.run(inv, "character", {"character": "tommy"})
    assert card.title == "Tommy"


async def test_a_reply_that_moves_the_audience_reports_under_the_new_one(core: Core) -> None:
    await say(core, "/club create both")
    moved = await say(core, "/club progress novel 9")
    assert moved.audience.progress_novel == 9
    tagged = await say(core, "/club spoilers tag")
    assert tagged.audience.mode.value == "tag"


async def test_just_me_runs_the_same_command_privately(core: Core) -> None:
    await say(core, "/club create both")
    await say(core, "/progress novel 23", user="sam")
    public = await say(core, "/character ruth", user="sam")
    just_me = [a for a in public.actions if a.label == "Just me"]
    assert just_me == [Action("Just me", "character", (("character", "ruth"),), private=True)]
    assert just_me[0].command == "/character ruth"
    clicked = await core.run(Invocation(CONSOLE, "general", "sam", private=True),
                             just_me[0].path, dict(just_me[0].args))
    assert clicked.visibility is Visibility.PRIVATE
    assert clicked.withheld is None
    assert not any(a.label == "Just me" for a in clicked.actions)
    safe = await say(core, "/about", user="sam")
    assert not safe.actions  # nothing held back: nothing to ask for


async def test_a_prompt_offers_another(core: Core) -> None:
    await say(core, "/club create both")
    reply = await say(core, "/prompt human")
    theme = (("theme", "What makes us human"),)
    assert reply.actions == (Action("Another prompt", "prompt", theme),)
    assert reply.actions[0].command == "/prompt What makes us human"


@pytest.mark.parametrize("line", [
    "/character\u00a0kathy",  # a no-break space, as phones and Macs type it
    "/character kathy\u200b",  # a zero-width space pasted along
    "/character\nkathy",  # Slack sends several lines
    "/ｃｈａｒａｃｔｅｒ kathy",  # full-width letters
])
async def test_ordinary_text_from_chat_apps_is_accepted(core: Core, line: str) -> None:
    reply = await say(core, line)
    assert reply.kind is Kind.OK, flat(reply)
    assert reply.title == "Kathy H."


async def test_everyone_cannot_become_a_host_through_the_store(core: Core) -> None:
    await say(core, "/club create both")
    await say(core, "/club hosts add @everyone")
    club = await core.store.club(CONSOLE, "general")
    assert club is not None
    assert club.hosts == ("you",)


async def test_a_source_whose_title_gives_something_away_is_cited_only_past_it(
        core: Core, pack: Content) -> None:
    late = {s.title for s in pack.sources.values() if (s.reveal.novel or 0) > 3}
    assert late
    await say(core, "/club create both")
    await say(core, "/club progress novel 3")
    early = await say(core, "/character tommy")
    assert not set(early.sources) & late
    await say(core, "/club progress novel done")
    assert set((await say(core, "/character tommy")).sources) & late


async def test_club_progress_takes_named_points_in_any_order(core: Core) -> None:
    await say(core, "/club create both")
    both = await say(core, "/club progress film 1:00 novel 9")
    assert "chapter 9 finished" in flat(both) and "1:00 watched" in flat(both)
    one = await say(core, "/club progress novel done")
    assert "finished" in flat(one) and "1:00 watched" in flat(one)  # the film stays
    for line, said in (("/club progress", "Say how far the club has got"),
                       ("/club progress film", "`film` needs a value"),
                       ("/club progress novel 3 novel 4", "`novel` is given twice"),
                       ("/club progress chapter 3", "does not take"),
                       ("/club progress novel 24", "23 chapters")):
        reply = await say(core, line)
        assert reply.kind is Kind.ERROR and said in flat(reply), line
    info = await say(core, "/club info")
    assert "finished" in flat(info) and "1:00 watched" in flat(info)


async def test_typed_values_get_the_same_checks_as_typed_text(core: Core) -> None:
    """Discord hands the core typed values, which a forged request can fill with anything."""
    inv = Invocation(CONSOLE, "general", "sam")
    for args, said in (({"words": "hail\x00sham"}, "control characters"),
                       ({"words": "x" * 3000}, "too long"),
                       ({"words": "   "}, "needs WORDS")):
        reply = await core.run(inv, "search", args)
        assert reply.kind is Kind.ERROR and said in flat(reply), args
    chapter = await core.run(inv, "progress novel", {"chapter": 99})
    assert chapter.kind is Kind.ERROR and "23 chapters" in flat(chapter)
    fine = await core.run(inv, "progress novel", {"chapter": 7})
    assert fine.kind is Kind.OK and "chapter 7 finished" in flat(fine)


async def test_pure_replies_are_reused_only_for_the_same_audience(core: Core) -> None:
    await say(core, "/club create both")
    first = await say(core, "/character ruth")
    assert await say(core, "/character ruth", user="sam") is first  # same words, same point
    await say(core, "/club progress novel 9")
    later = await say(core, "/character ruth")
    assert later is not first and len(later.parts) > len(first.parts)
    mine = await say(core, "/character ruth", private=True)  # cut to `you`, not the club
    assert mine is not later and mine.visibility is Visibility.PRIVATE
    # Errors are never kept: their hints follow each caller's own progress.
    miss = await say(core, "/character rut")
    assert await say(core, "/character rut") is not miss
    assert not any(c.pure for c in core.registry if c.group in ("club", "progress", "prompt"))
