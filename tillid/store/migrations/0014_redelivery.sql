-- How often each intake and outbox row has been sent to Kafka: a row sent but not applied long after
-- is sent again, each time waiting twice as long (docs/streams.md, "The intake").
ALTER TABLE intake ADD COLUMN relays integer NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN relays integer NOT NULL DEFAULT 0;
CREATE INDEX intake_relayed ON intake (relayed_at) WHERE relayed_at IS NOT NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
