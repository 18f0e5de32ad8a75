-- why: pictures of a club, as SQLite's migration 6: a host may show members on the club's chart and attach pictures such as recap cards (both off by default, privacy first); a member may keep their own progress off every chart and list of who is where, and the chart labels members by the name their platform last gave.

ALTER TABLE clubs ADD COLUMN chart_members INTEGER NOT NULL DEFAULT 0 CHECK (chart_members IN (0, 1));
ALTER TABLE clubs ADD COLUMN images INTEGER NOT NULL DEFAULT 0 CHECK (images IN (0, 1));

CREATE TABLE member_settings (
    platform   TEXT    NOT NULL,
    workspace  TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    private    INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    name       TEXT    CHECK (name IS NULL OR length(name) <= 100),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (platform, workspace, user_id)
);
