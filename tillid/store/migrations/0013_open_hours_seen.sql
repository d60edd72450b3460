-- Per organisation, its unstaffed task hours as the re-matcher last compared them (tillid/store/rematching.py).
-- A LEON proposal names other workplaces' unstaffed hours (needed_elsewhere); when a round finds an
-- organisation's hours changed from these, it marks the workplaces whose pending proposal would name
-- other ones, so the pending proposals depend only on the events, whichever rounds ran in between.
CREATE TABLE open_hours_seen (
    organisation_id text PRIMARY KEY,
    -- [[workplace_id, workplace_name, task_id, hours], ...], most hours first
    open_hours      jsonb NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
