-- What became of the events received, per topic and outcome, counted in the transaction that gives an
-- event its outcome (tillid/store/tallies.py): /api/stats and /metrics read these few rows instead of
-- counting processed_events, whose size grows with every event.
CREATE TABLE event_tallies (
    topic   text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('applied', 'parked', 'discarded', 'duplicate', 'deadlettered')),
    events  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (topic, outcome)
);

-- The counts so far, so that a store migrated with events in it stays right. 'released' events were
-- applied; duplicates and dead letters were counted without their topic before.
WITH topic_of_type (type, topic) AS (VALUES
        ('WorkplaceUpserted', 'org.structure'),
        ('ProfessionUpserted', 'org.structure'),
        ('EmployeeUpserted', 'hr.employees'),
        ('EmployeeLeft', 'hr.employees'),
        ('EmployeeErased', 'hr.employees'),
        ('CompetenceAssessed', 'hr.competences'),
        ('CourseCompleted', 'hr.competences'),
        ('TaskDefined', 'ops.tasks'),
        ('TaskDemandChanged', 'ops.tasks'),
        ('TaskAssignmentReported', 'ops.tasks'),
        ('AuthorisationRuleChanged', 'ops.tasks'),
        ('DigitalisationChange', 'ops.digitalisation'),
        ('LearningActivityPublished', 'learning.catalog'),
        ('LearningActivityWithdrawn', 'learning.catalog'),
        ('RotationSlotOffered', 'rotation'),
        ('RotationSlotWithdrawn', 'rotation'),
        ('RotationInterestExpressed', 'rotation'),
        ('RotationInterestWithdrawn', 'rotation'),
        ('ProposalIssued', 'proposals'),
        ('ProposalWithdrawn', 'proposals'),
        ('ProposalDecided', 'decisions'),
        ('SuggestionIssued', 'suggestions'),
        ('SuggestionAnswered', 'suggestions'))
INSERT INTO event_tallies (topic, outcome, events)
SELECT coalesce(t.topic, 'unknown'), CASE WHEN p.outcome = 'released' THEN 'applied' ELSE p.outcome END, count(*)
FROM processed_events p LEFT JOIN topic_of_type t USING (type)
GROUP BY 1, 2;

INSERT INTO event_tallies (topic, outcome, events)
SELECT 'unknown', name, value FROM event_counters WHERE name IN ('duplicate', 'deadlettered') AND value <> 0
ON CONFLICT (topic, outcome) DO UPDATE SET events = event_tallies.events + EXCLUDED.events;

DROP TABLE event_counters;

-- /api/stats and /metrics count proposals by kind and status: over this index, not the table.
CREATE INDEX proposals_kind_status ON proposals (kind, status);

-- The re-matcher's round durations, per worker process (tillid/store/worker_rounds.py): each worker
-- writes its histogram here every few seconds and the review service's /metrics exports it. One row per
-- worker; rows not written for a day are deleted by the next write.
CREATE TABLE worker_rounds (
    worker        text PRIMARY KEY,
    bucket_bounds double precision[] NOT NULL,
    -- Cumulative: rounds that took at most each bound (the last bound is +Infinity: every round).
    bucket_counts bigint[] NOT NULL,
    sum_seconds   double precision NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
