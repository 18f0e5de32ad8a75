from __future__ import annotations

import pytest

from bot.core.timeline import (
    SAFE,
    Progress,
    ProgressError,
    Reveal,
    parse_chapter,
    parse_minute,
)


@pytest.mark.parametrize(("text", "minutes"), [
    ("0", 0), ("45", 45), ("1:10", 70), ("0:05", 5), ("1:43", 103), ("done", 103), ("DONE", 103),
])
def test_film_times(text: str, minutes: int) -> None:
    assert parse_minute(text) == minutes


@pytest.mark.parametrize("text", ["-4", "104", "1:75", "2:00", "abc", "1:", ":30", "1.5", ""])
def test_bad_film_times(text: str) -> None:
    with pytest.raises(ProgressError):
        parse_minute(text)


@pytest.mark.parametrize(("text", "chapter"), [("0", 0), ("7", 7), ("23", 23), ("done", 23)])
def test_chapters(text: str, chapter: int) -> None:
    assert parse_chapter(text) == chapter


@pytest.mark.parametrize("text", ["99", "-1", "24", "seven", "7.5", "1e3"])
def test_bad_chapters(text: str) -> None:
    with pytest.raises(ProgressError):
        parse_chapter(text)


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


def test_progress_bounds() -> None:
    with pytest.raises(ValueError, match="outside"):
        Progress(24, 0)
    with pytest.raises(ValueError, match="outside"):
        Progress(0, 104)


def test_a_section_is_named_only_once_its_setting_is_open() -> None:
    from bot.core.timeline import describe_film

    # "The Cottages" opens at minute 42 (the latest plausible move there); a viewer at 0:30
    # has watched Hailsham to its end and no more.
    assert [m for m in range(104) if "Cottages" in describe_film(m)] == list(range(42, 60))
    assert describe_film(35) == "film: 0:35 watched (past Hailsham 1978)"
