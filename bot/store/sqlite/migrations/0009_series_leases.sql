-- why: making a series' next night is claimed as a lease (series_claimed_by, series_lease_until in unix seconds), as reminders are and as on PostgreSQL: of several workers one takes each begun series night, and a dead worker's is taken over once its lease runs out.

ALTER TABLE nights ADD COLUMN series_claimed_by TEXT;
ALTER TABLE nights ADD COLUMN series_lease_until INTEGER;
