-- why: a host's own discussion questions, uploaded in bulk (`/prompt upload`): each row is one question with its depth and its reveal point in the club's work, kept per club and per work; an upload is staged (a dry run) until the host confirms it, and a new upload replaces the staged one; a removed question keeps its row (state 'removed'), so its number, which the club's record of prompts had (`host-N`), is never given to another. The prompts a club has had (club_prompts) take these as `host-N`, so they never repeat either.
CREATE TABLE host_questions (
    club_id   INTEGER NOT NULL REFERENCES clubs(id) ON DELETE CASCADE,
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
) WITHOUT ROWID;
