-- why: a claimed reminder is a lease (claimed_by, lease_until in unix seconds), as on PostgreSQL: recovery takes over only claims whose lease ran out, or the restarted worker's own, never another live worker's in flight. Rows claimed before this have no lease and count as run out.

ALTER TABLE reminders ADD COLUMN claimed_by TEXT;
ALTER TABLE reminders ADD COLUMN lease_until INTEGER;
