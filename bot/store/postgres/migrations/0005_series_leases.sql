-- why: several workers continue series as they send reminders: taking a begun series night to make its next one is a lease (series_claimed_by, series_lease_until in unix seconds), claimed with SKIP LOCKED, so workers take disjoint nights without waiting on each other and a dead worker's night is taken over once its lease runs out.

ALTER TABLE nights ADD COLUMN series_claimed_by TEXT;
ALTER TABLE nights ADD COLUMN series_lease_until BIGINT;
