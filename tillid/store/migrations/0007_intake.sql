-- Events accepted by POST /api/events: stored here in the transaction that answers 202, relayed to
-- Kafka by the worker, and kept until the store has applied them (docs/streams.md, "The intake").
CREATE TABLE intake (
    id           bigserial PRIMARY KEY,
    event_id     text NOT NULL UNIQUE,
    topic        text NOT NULL,
    key          text NOT NULL,
    value        text NOT NULL,
    -- false for events the store does not apply (what Tillid itself publishes): gone once relayed.
    applied_by_store boolean NOT NULL,
    accepted_at  timestamptz NOT NULL DEFAULT now(),
    relayed_at   timestamptz
);
CREATE INDEX intake_unrelayed ON intake (id) WHERE relayed_at IS NULL;
