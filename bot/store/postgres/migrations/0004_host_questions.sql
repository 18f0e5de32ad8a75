-- why: a host's own discussion questions, as SQLite's migration 8: each row one question with its depth and its reveal point in the club's work, kept per club and per work; an upload is staged (a dry run) until the host confirms it, and a new upload replaces the staged one; a removed question keeps its row, so its number (its prompt id, host-N, in club_prompts) is never given to another.
CREATE TABLE host_questions (
    club_id   BIGINT  NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    number    INTEGER NOT NULL CHECK (number >= 1),
    work      TEXT    NOT NULL,
    text      TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    depth     TEXT    NOT NULL CHECK (depth IN ('warm-up', 'deep', 'debate')),
    novel     INTEGER CHECK (novel IS NULL OR novel >= 1),
    film      INTEGER CHECK (film IS NULL OR film >= 1),
    state     TEXT    NOT NULL DEFAULT 'staged' CHECK (state IN ('staged', 'added', 'removed')),
    added_by  TEXT    NOT NULL,
    added_at  TEXT    NOT NULL,
    PRIMARY KEY (club_id, number),
    CHECK (novel IS NOT NULL OR film IS NOT NULL)
);
