-- why: a club's reading schedule (`/club schedule`): target points with deadlines kept as wall-clock time plus zone name (as nights are), per club and work; a host's plan is staged (staged_by, a dry run) until they confirm it, when it replaces the club's (staged_by ''). Each point carries its nudge, a day before, as reminders do (pending -> sending with a lease -> sent | skipped), so it goes out once; schedule_followers are the members who turned the schedule's reminders on.
CREATE TABLE schedule_points (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    club_id      INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    work         TEXT    NOT NULL,
    staged_by    TEXT    NOT NULL DEFAULT '',
    number       INTEGER NOT NULL CHECK (number >= 1),
    target_novel INTEGER CHECK (target_novel IS NULL OR target_novel >= 1),
    target_film  INTEGER CHECK (target_film IS NULL OR target_film >= 1),
    local_due    TEXT    NOT NULL,  -- wall clock, 'YYYY-MM-DDTHH:MM', in tz
    tz           TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,  -- the UTC instant (unix seconds), derived
    nudge_at     INTEGER NOT NULL,
    nudge_state  TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (nudge_state IN ('pending', 'sending', 'sent', 'skipped')),
    claimed_by   TEXT,
    lease_until  INTEGER,
    done_at      TEXT,
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (club_id, work, staged_by, number),
    CHECK ((target_novel IS NULL) <> (target_film IS NULL))
);
CREATE INDEX schedule_nudges_due ON schedule_points (nudge_at)
    WHERE nudge_state = 'pending' AND staged_by = '';

CREATE TABLE schedule_followers (
    club_id INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    user_id TEXT    NOT NULL,
    since   TEXT    NOT NULL,
    PRIMARY KEY (club_id, user_id)
) WITHOUT ROWID;
