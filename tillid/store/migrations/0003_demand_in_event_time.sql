-- Task demand and digitalisation changes applied in event-time (occurred_at) order, whichever
-- topic is read first (docs/streams.md, "Order across topics").

-- The hours as last reported and when; hours_per_week is those hours scaled by the factors of the
-- changes that occurred at or after the report. Demand stored before this migration counts as
-- reported before any change kept from now on: at the first instant a Python datetime holds
-- (asyncpg returns '-infinity' as a datetime without a zone).
ALTER TABLE task_demand ADD COLUMN reported_hours double precision, ADD COLUMN reported_at timestamptz;
UPDATE task_demand SET reported_hours = hours_per_week, reported_at = '0001-01-01 00:00:00+00';
ALTER TABLE task_demand ALTER COLUMN reported_hours SET NOT NULL, ALTER COLUMN reported_at SET NOT NULL;

-- Every report of demand (TaskDemandChanged, and the hours of a new_task effect at its change's
-- time): a change read after a newer report still finds the report it scales.
CREATE TABLE task_demand_reports (
    workplace_id   text NOT NULL,
    task_id        text NOT NULL,
    reported_at    timestamptz NOT NULL,
    hours_per_week double precision NOT NULL,
    PRIMARY KEY (workplace_id, task_id, reported_at)
);
INSERT INTO task_demand_reports (workplace_id, task_id, reported_at, hours_per_week)
SELECT workplace_id, task_id, reported_at, hours_per_week FROM task_demand;

-- The hours_factor and retire_task effects of applied changes, kept to scale demand that arrives
-- later. workplace_ids NULL: every workplace of the organisation, whenever it is announced.
CREATE TABLE hours_factors (
    change_id       text NOT NULL,
    effect_index    integer NOT NULL,
    organisation_id text NOT NULL,
    workplace_ids   text[],
    task_id         text NOT NULL,
    retires         boolean NOT NULL,
    factor          double precision NOT NULL,
    occurred_at     timestamptz NOT NULL,
    PRIMARY KEY (change_id, effect_index)
);
CREATE INDEX hours_factors_task ON hours_factors (task_id);
