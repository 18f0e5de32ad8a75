-- why: discussion nights: a club's scheduled nights (kept as wall-clock time plus zone name), RSVPs and check-ins, reminders as rows so a restart neither loses nor repeats one, and the prompts each night brought.

ALTER TABLE clubs ADD COLUMN archived_at TEXT;
-- Hours before a night that the channel is reminded; '' for none.
ALTER TABLE clubs ADD COLUMN reminder_hours TEXT NOT NULL DEFAULT '24,1';

-- AUTOINCREMENT: a night's id is typed by people and carried by buttons; never reuse one.
CREATE TABLE nights (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    club_id      INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    title        TEXT,
    target_novel INTEGER CHECK (target_novel BETWEEN 1 AND 23),
    target_film  INTEGER CHECK (target_film BETWEEN 1 AND 103),
    local_start  TEXT    NOT NULL,  -- wall clock, 'YYYY-MM-DDTHH:MM', in tz
    tz           TEXT    NOT NULL,
    starts_at    INTEGER NOT NULL,  -- the UTC instant (unix seconds), derived, for ordering
    -- monthly-last: a monthly night first set in a month's fifth week keeps to the last week.
    repeat       TEXT CHECK (repeat IN ('weekly', 'fortnightly', 'monthly', 'monthly-last')),
    next_made    INTEGER NOT NULL DEFAULT 0 CHECK (next_made IN (0, 1)),
    status       TEXT    NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'running', 'ended', 'cancelled')),
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    started_at   TEXT,
    ended_at     TEXT,
    thread       TEXT,
    -- The club's progress when the night started: a night on earlier chapters moves the club
    -- back to them for the night only.
    prior_novel  INTEGER,
    prior_film   INTEGER,
    CHECK ((target_novel IS NULL) <> (target_film IS NULL))
);
CREATE INDEX nights_by_club ON nights (club_id, status, starts_at);
-- One night at a time in a club.
CREATE UNIQUE INDEX nights_one_running ON nights (club_id) WHERE status = 'running';
-- Series whose next night is not made yet: tiny, whatever the number of nights.
CREATE INDEX nights_series_due ON nights (starts_at) WHERE repeat IS NOT NULL AND next_made = 0;

CREATE TABLE rsvps (
    night_id   INTEGER NOT NULL REFERENCES nights (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    answer     TEXT CHECK (answer IN ('going', 'maybe', 'no')),  -- NULL: came without answering
    remind     INTEGER NOT NULL DEFAULT 0 CHECK (remind IN (0, 1)),
    here       INTEGER NOT NULL DEFAULT 0 CHECK (here IN (0, 1)),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (night_id, user_id)
) WITHOUT ROWID;

-- pending -> sending (claimed by a tick) -> sent | skipped. A row left in 'sending' by a crash
-- goes back to pending when the scheduler starts again.
CREATE TABLE reminders (
    id       INTEGER PRIMARY KEY,
    night_id INTEGER NOT NULL REFERENCES nights (id) ON DELETE CASCADE,
    platform TEXT    NOT NULL,
    hours    INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 336),
    due_at   INTEGER NOT NULL,
    state    TEXT    NOT NULL DEFAULT 'pending'
             CHECK (state IN ('pending', 'sending', 'sent', 'skipped')),
    done_at  TEXT,
    UNIQUE (night_id, hours)
);
-- A tick reads only this: the pending rows of one platform, by due time.
CREATE INDEX reminders_due ON reminders (platform, due_at) WHERE state = 'pending';
CREATE INDEX reminders_sending ON reminders (platform) WHERE state = 'sending';

CREATE TABLE night_prompts (
    night_id  INTEGER NOT NULL REFERENCES nights (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    prompt_id TEXT    NOT NULL,
    skipped   INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    shown_at  TEXT    NOT NULL,
    PRIMARY KEY (night_id, seq)
) WITHOUT ROWID;
