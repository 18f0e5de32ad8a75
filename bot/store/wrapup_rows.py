"""Wrap-up rows as values, the same on both stores (the columns are the same)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.wrapups import Finished, Wrapup, WrapupAnswer

WRAPUP_COLUMNS = "id, club_id, work, opened_by, opened_at, closed_at, reached_end"
ANSWER_COLUMNS = "wrapup_id, user_id, finished, rating, line, named"


def wrapups_of(rows: Sequence[Sequence[object]], answers: Sequence[Sequence[object]]
               ) -> tuple[Wrapup, ...]:
    by_id: dict[int, list[WrapupAnswer]] = {}
    for wid, user, finished, rating, line, named in answers:
        by_id.setdefault(int(str(wid)), []).append(WrapupAnswer(
            str(user), Finished(str(finished)), int(str(rating)),
            str(line) if line is not None else None, bool(named)))
    return tuple(Wrapup(int(str(i)), int(str(c)), str(w), str(by), str(at),
                        str(closed) if closed is not None else None, bool(end),
                        tuple(by_id.get(int(str(i)), ())))
                 for i, c, w, by, at, closed, end in rows)
