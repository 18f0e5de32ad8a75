-- why: a club's wrap-up of a work (`/club wrapup`): opened by a host or on reaching the end, one answer per member (finished, partly, didn't; a 1-5 rating; one optional line, kept cleaned; whether they chose to be named), which they may change until it closes; closed wrap-ups are the club's history of what it read (`/club history`). One open wrap-up per club (a partial unique index, as for votes).
CREATE TABLE wrapups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    club_id     INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    work        TEXT    NOT NULL,
    opened_by   TEXT    NOT NULL,
    opened_at   TEXT    NOT NULL,
    closed_at   TEXT,
    reached_end INTEGER NOT NULL DEFAULT 0 CHECK (reached_end IN (0, 1))
);
CREATE UNIQUE INDEX wrapups_one_open ON wrapups (club_id) WHERE closed_at IS NULL;

CREATE TABLE wrapup_answers (
    wrapup_id  INTEGER NOT NULL REFERENCES wrapups (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    finished   TEXT    NOT NULL CHECK (finished IN ('finished', 'partly', 'didnt')),
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    line       TEXT    CHECK (line IS NULL OR length(line) BETWEEN 1 AND 200),
    named      INTEGER NOT NULL DEFAULT 0 CHECK (named IN (0, 1)),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (wrapup_id, user_id)
) WITHOUT ROWID;
