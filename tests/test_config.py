"""Where the database lives by default, and that an upgrade keeps the clubs it already has."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import APP_NAME, default_db_path


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("BOT_DB_PATH", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def test_a_new_install_keeps_its_database_under_the_apps_name(data_home: Path) -> None:
    assert default_db_path() == data_home / APP_NAME / "club.db"


def test_an_upgraded_install_goes_on_with_the_database_of_its_earlier_name(
        data_home: Path) -> None:
    earlier = data_home / "nlmg-club-bot" / "club.db"  # the name the first release had
    earlier.parent.mkdir()
    earlier.write_bytes(b"")
    (data_home / "unrelated-app").mkdir()
    assert default_db_path() == earlier
    # Once a database exists under the current name, that one is used.
    current = data_home / APP_NAME / "club.db"
    current.parent.mkdir()
    current.write_bytes(b"")
    assert default_db_path() == current


def test_bot_db_path_wins(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_DB_PATH", str(data_home / "x.db"))
    assert default_db_path() == data_home / "x.db"
