-- why: adapters keep a little state of their own across restarts: the hash of the Discord commands last synced (so a restart does not sync again), and the commands behind buttons whose data does not fit in Discord's 100-character custom_id.

CREATE TABLE adapter_state (
    key        TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
