-- What employees answer counts (docs/upskilling.md, "Declined suggestions"; docs/pages.md).

-- Why an employee declined a suggestion: not_interested | no_time | already_have (null: not said,
-- or accepted, or answered before this migration).
ALTER TABLE suggestions ADD COLUMN decline_reason text;

-- The needs a declined upskilling suggestion was for, one row per skill gap of its path: the
-- (employee, skill, target level) is left out of new upskilling proposals for
-- TILLID_DECLINE_QUIET_DAYS after declined_at, unless the person asks again (asked_again_at, or the
-- skill newly among their learning interests: had_interest says whether it was one when declined)
-- or a new assessment of the skill arrives.
CREATE TABLE declined_needs (
    suggestion_id  text NOT NULL,
    employee_id    text NOT NULL,
    skill_id       text NOT NULL,
    target_level   smallint NOT NULL,
    declined_at    timestamptz NOT NULL,
    had_interest   boolean NOT NULL DEFAULT false,
    asked_again_at timestamptz,
    PRIMARY KEY (suggestion_id, skill_id)
);
CREATE INDEX declined_needs_employee ON declined_needs (employee_id, skill_id);

-- An employee's statement that a competence Tillid holds is wrong (CompetenceDisputed). The
-- (employee, skill) entry is left out of matching until a CompetenceAssessed of that skill is
-- applied after disputed_at (that is what resolves it; nothing is stored for the resolution).
CREATE TABLE competence_disputes (
    event_id    text PRIMARY KEY,
    employee_id text NOT NULL,
    skill_id    text NOT NULL,
    level       smallint NOT NULL,
    comment     text NOT NULL DEFAULT '',
    disputed_at timestamptz NOT NULL
);
CREATE INDEX competence_disputes_employee ON competence_disputes (employee_id, skill_id);

-- Dates and places of a course, when the catalogue gives them: [{"starts_on": date, "place": text}].
ALTER TABLE learning_activities ADD COLUMN sessions jsonb NOT NULL DEFAULT '[]';
