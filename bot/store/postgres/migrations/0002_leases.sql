-- why: several workers share the reminders: a claim is a lease (claimed_by, lease_until in unix seconds), so a worker that dies mid-send has its claims taken over once the lease runs out, and never while it may still be sending them.

ALTER TABLE reminders ADD COLUMN claimed_by TEXT;
ALTER TABLE reminders ADD COLUMN lease_until BIGINT;
