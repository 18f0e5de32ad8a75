-- why: adapter state can expire: Slack's trigger and event claims matter for minutes but were kept forever, so a row may carry expires_at (unix seconds; NULL keeps it forever, as every row written before this does), and the store deletes expired rows now and then.

ALTER TABLE adapter_state ADD COLUMN expires_at INTEGER;

-- Only rows that expire are indexed: the prune reads nothing else.
CREATE INDEX adapter_state_expiry ON adapter_state (expires_at) WHERE expires_at IS NOT NULL;
