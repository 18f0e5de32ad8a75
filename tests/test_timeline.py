"""Reveal points and progress, and each work's own timeline: reading what readers type about
how far they have got, and wording where a point is."""

from __future__ import annotations

import pytest

from bot.core.library import Library
from bot.core.timeline import SAFE, Progress, ProgressError, Reveal
from bot.core.work import Timeline


@pytest.fixture(scope="module")
def nlmg(library: Library) -> Timeline:
    return library.default.timeline


@pytest.fixture(scope="module")
def remains(library: Library) -> Timeline:
    work = library.find("remains")
    assert work is not None
    return work.timeline


@pytest.mark.parametrize(("text", "minutes"), [
    ("0", 0), ("45", 45), ("1:10", 70), ("0:05", 5), ("1:43", 103), ("done", 103), ("DONE", 103),
])
def test_film_times(nlmg: Timeline, text: str, minutes: int) -> None:
    assert nlmg.parse_film(text) == minutes


@pytest.mark.parametrize("text", ["-4", "104", "1:75", "2:00", "abc", "1:", ":30", "1.5", ""])
def test_bad_film_times(nlmg: Timeline, text: str) -> None:
    with pytest.raises(ProgressError):
        nlmg.parse_film(text)


@pytest.mark.parametrize(("text", "chapter"), [
    ("0", 0), ("7", 7), ("23", 23), ("done", 23), ("chapter 7", 7), ("Chapter 12", 12),
    ("ch. 7", 7), ("seven", 7), ("chapter twelve", 12), ("twenty three", 23),
    ("the seventh", 7), ("twenty-third", 23)])
def test_chapters(nlmg: Timeline, text: str, chapter: int) -> None:
    assert nlmg.parse_book(text) == chapter


@pytest.mark.parametrize("text", ["99", "-1", "24", "7.5", "1e3", "chapter", "seventy", "x"])
def test_bad_chapters(nlmg: Timeline, text: str) -> None:
    with pytest.raises(ProgressError):
        nlmg.parse_book(text)


def test_an_out_of_range_chapter_names_the_works_own_range(nlmg: Timeline,
                                                           remains: Timeline) -> None:
    with pytest.raises(ProgressError, match="The novel has 23 chapters"):
        nlmg.parse_book("99")
    with pytest.raises(ProgressError, match="8 sections: Prologue, Day One: Evening"):
        remains.parse_book("9")


@pytest.mark.parametrize(("text", "section"), [
    ("prologue", 1), ("day three evening", 6), ("Day Three: Evening", 6), ("3", 3),
    ("ebook chapter 5", 6), ("weymouth", 8), ("done", 8)])
def test_named_sections(remains: Timeline, text: str, section: int) -> None:
    assert remains.parse_book(text) == section


def test_each_work_words_its_own_points(nlmg: Timeline, remains: Timeline) -> None:
    assert nlmg.describe_book(7) == "novel: chapter 7 finished (Part One)"
    assert nlmg.describe_reveal(Reveal(novel=7, film=25)) == (
        "chapter 7 of the novel or 0:25 into the film")
    assert remains.describe_book(3) == "novel: Day Two: Morning finished"
    assert remains.describe_reveal(Reveal(novel=3)) == "Day Two: Morning (section 3) of the novel"
    assert remains.parse_film("2:14") == 134


def test_seen_in_either_medium_is_known() -> None:
    reveal = Reveal(novel=7, film=25)
    assert not reveal.visible_at(Progress(6, 24))
    assert reveal.visible_at(Progress(7, 0))
    assert reveal.visible_at(Progress(0, 25))


def test_novel_only_content_never_opens_by_watching() -> None:
    reveal = Reveal(novel=22)
    assert not reveal.visible_at(Progress(0, 103))
    assert reveal.visible_at(Progress(22, 0))


def test_safe_is_always_visible_and_story_needs_a_point() -> None:
    assert SAFE.visible_at(Progress())
    with pytest.raises(ValueError, match="reveal point"):
        Reveal()


def test_later_takes_the_stricter_point_on_each_timeline() -> None:
    card, part = Reveal(novel=10, film=32), Reveal(novel=19)
    assert card.later(part) == Reveal(novel=19, film=None)
    assert SAFE.later(part) == part
    assert Reveal(novel=3, film=40).later(Reveal(novel=5, film=20)) == Reveal(novel=5, film=40)


def test_progress_bounds(nlmg: Timeline) -> None:
    with pytest.raises(ValueError, match="below the start"):
        Progress(-1, 0)
    with pytest.raises(ProgressError, match="past the end"):
        nlmg.check(Progress(24, 0))
    with pytest.raises(ProgressError, match="past the end"):
        nlmg.check(Progress(0, 104))


def test_a_section_is_named_only_once_its_setting_is_open(nlmg: Timeline) -> None:
    # "The Cottages" opens at minute 42 (the latest plausible move there); a viewer at 0:30
    # has watched Hailsham to its end and no more.
    assert [m for m in range(104) if "Cottages" in nlmg.describe_film(m)] == list(range(42, 60))
    assert nlmg.describe_film(35) == "film: 0:35 watched (past Hailsham 1978)"


def test_a_film_stretch_is_found_by_its_own_name(remains: Timeline) -> None:
    conference = remains.stretch_named(["the", "conference"])
    assert conference is not None and conference.name == "The conference"
