-- why: the first schema: per-scope reader progress, clubs with their members and hosts, and the prompts each club has used.

-- A reader's own progress, one row per person per platform workspace. No row means "not started".
CREATE TABLE members (
    platform   TEXT    NOT NULL,
    workspace  TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    novel      INTEGER NOT NULL DEFAULT 0 CHECK (novel BETWEEN 0 AND 23),
    film       INTEGER NOT NULL DEFAULT 0 CHECK (film BETWEEN 0 AND 103),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (platform, workspace, user_id)
) WITHOUT ROWID;

-- At most one club per channel; the same channel id on another platform or workspace is another club.
-- AUTOINCREMENT so an id that buttons or logs still carry is never handed to a different club.
CREATE TABLE clubs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     TEXT    NOT NULL,
    workspace    TEXT    NOT NULL,
    channel_id   TEXT    NOT NULL,
    medium       TEXT    NOT NULL CHECK (medium IN ('novel', 'film', 'both')),
    novel        INTEGER NOT NULL DEFAULT 0 CHECK (novel BETWEEN 0 AND 23),
    film         INTEGER NOT NULL DEFAULT 0 CHECK (film BETWEEN 0 AND 103),
    spoiler_mode TEXT    NOT NULL DEFAULT 'hide' CHECK (spoiler_mode IN ('hide', 'tag', 'off')),
    tz           TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (platform, workspace, channel_id)
);

-- The primary key's club_id prefix serves the member count and the host list.
CREATE TABLE club_members (
    club_id   INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    user_id   TEXT    NOT NULL,
    is_host   INTEGER NOT NULL DEFAULT 0 CHECK (is_host IN (0, 1)),
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (club_id, user_id)
) WITHOUT ROWID;

CREATE TABLE club_prompts (
    club_id   INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    prompt_id TEXT    NOT NULL,
    used_at   TEXT    NOT NULL,
    PRIMARY KEY (club_id, prompt_id)
) WITHOUT ROWID;
