-- why: the bot serves several works: a club reads one at a time and may move to its next, progress is kept per member per work and per club per work, nights and the prompts a club has had belong to their work, and a club can vote on its next work. Rows from before works belong to the work the bot served then (bound as :legacy_work). Tables whose checks held the first work's 23 chapters and 103 minutes are rebuilt without them: each work's own ranges are checked by the core.
-- foreign keys: off

-- A reader's own progress, one row per person per workspace per work. No row: not started.
CREATE TABLE member_progress (
    platform   TEXT    NOT NULL,
    workspace  TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    work       TEXT    NOT NULL,
    novel      INTEGER NOT NULL DEFAULT 0 CHECK (novel >= 0),
    film       INTEGER NOT NULL DEFAULT 0 CHECK (film >= 0),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (platform, workspace, user_id, work)
) WITHOUT ROWID;
INSERT INTO member_progress (platform, workspace, user_id, work, novel, film, updated_at)
    SELECT platform, workspace, user_id, :legacy_work, novel, film, updated_at FROM members;
DROP TABLE members;

-- The ids a sequence has handed out are never handed out again, across the rebuilds below.
CREATE TEMP TABLE kept_sequences AS SELECT name, seq FROM sqlite_sequence;

-- Clubs: the work each reads now. Their progress moves to club_progress, one row per work.
CREATE TABLE new_clubs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    platform       TEXT    NOT NULL,
    workspace      TEXT    NOT NULL,
    channel_id     TEXT    NOT NULL,
    medium         TEXT    NOT NULL CHECK (medium IN ('novel', 'film', 'both')),
    work           TEXT    NOT NULL,
    spoiler_mode   TEXT    NOT NULL DEFAULT 'hide' CHECK (spoiler_mode IN ('hide', 'tag', 'off')),
    tz             TEXT    NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    archived_at    TEXT,
    reminder_hours TEXT    NOT NULL DEFAULT '24,1',
    UNIQUE (platform, workspace, channel_id)
);
INSERT INTO new_clubs (id, platform, workspace, channel_id, medium, work, spoiler_mode, tz,
                       created_by, created_at, archived_at, reminder_hours)
    SELECT id, platform, workspace, channel_id, medium, :legacy_work, spoiler_mode, tz,
           created_by, created_at, archived_at, reminder_hours FROM clubs;

-- How far a club has got in each work it has read; started_at: when it took the work up.
CREATE TABLE club_progress (
    club_id    INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    work       TEXT    NOT NULL,
    novel      INTEGER NOT NULL DEFAULT 0 CHECK (novel >= 0),
    film       INTEGER NOT NULL DEFAULT 0 CHECK (film >= 0),
    started_at TEXT    NOT NULL,
    PRIMARY KEY (club_id, work)
) WITHOUT ROWID;
INSERT INTO club_progress (club_id, work, novel, film, started_at)
    SELECT id, :legacy_work, novel, film, created_at FROM clubs;
DROP TABLE clubs;
ALTER TABLE new_clubs RENAME TO clubs;

-- Nights: the work each is about; targets are checked against that work's ranges by the core.
CREATE TABLE new_nights (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    club_id      INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    work         TEXT    NOT NULL,
    title        TEXT,
    target_novel INTEGER CHECK (target_novel >= 1),
    target_film  INTEGER CHECK (target_film >= 1),
    local_start  TEXT    NOT NULL,
    tz           TEXT    NOT NULL,
    starts_at    INTEGER NOT NULL,
    repeat       TEXT CHECK (repeat IN ('weekly', 'fortnightly', 'monthly', 'monthly-last')),
    next_made    INTEGER NOT NULL DEFAULT 0 CHECK (next_made IN (0, 1)),
    status       TEXT    NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'running', 'ended', 'cancelled')),
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    started_at   TEXT,
    ended_at     TEXT,
    thread       TEXT,
    prior_novel  INTEGER,
    prior_film   INTEGER,
    CHECK ((target_novel IS NULL) <> (target_film IS NULL))
);
INSERT INTO new_nights (id, club_id, work, title, target_novel, target_film, local_start, tz,
                        starts_at, repeat, next_made, status, created_by, created_at,
                        started_at, ended_at, thread, prior_novel, prior_film)
    SELECT id, club_id, :legacy_work, title, target_novel, target_film, local_start, tz,
           starts_at, repeat, next_made, status, created_by, created_at, started_at,
           ended_at, thread, prior_novel, prior_film FROM nights;
DROP TABLE nights;
ALTER TABLE new_nights RENAME TO nights;
CREATE INDEX nights_by_club ON nights (club_id, status, starts_at);
CREATE UNIQUE INDEX nights_one_running ON nights (club_id) WHERE status = 'running';
CREATE INDEX nights_series_due ON nights (starts_at) WHERE repeat IS NOT NULL AND next_made = 0;

-- The prompts a club has had, per work (two works' packs may use the same prompt ids).
CREATE TABLE new_club_prompts (
    club_id   INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    work      TEXT    NOT NULL,
    prompt_id TEXT    NOT NULL,
    used_at   TEXT    NOT NULL,
    PRIMARY KEY (club_id, work, prompt_id)
) WITHOUT ROWID;
INSERT INTO new_club_prompts (club_id, work, prompt_id, used_at)
    SELECT club_id, :legacy_work, prompt_id, used_at FROM club_prompts;
DROP TABLE club_prompts;
ALTER TABLE new_club_prompts RENAME TO club_prompts;

UPDATE sqlite_sequence SET seq = max(seq, coalesce(
    (SELECT k.seq FROM kept_sequences AS k WHERE k.name = sqlite_sequence.name), 0));
INSERT INTO sqlite_sequence (name, seq)
    SELECT k.name, k.seq FROM kept_sequences AS k
    WHERE k.name IN ('clubs', 'nights')
      AND k.name NOT IN (SELECT name FROM sqlite_sequence);
DROP TABLE kept_sequences;

-- A vote on a club's next work: the works put to it, one answer per member, changeable
-- until a host closes it. One open vote per club.
CREATE TABLE polls (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    club_id    INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    choices    TEXT    NOT NULL,  -- work ids, comma-separated, in the order shown
    opened_by  TEXT    NOT NULL,
    opened_at  TEXT    NOT NULL,
    closed_at  TEXT
);
CREATE UNIQUE INDEX polls_one_open ON polls (club_id) WHERE closed_at IS NULL;

CREATE TABLE poll_votes (
    poll_id    INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    work       TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (poll_id, user_id)
) WITHOUT ROWID;
