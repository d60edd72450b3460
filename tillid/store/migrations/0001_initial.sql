-- The PostgreSQL picture of who can do what, projected from events.
-- Personal data is limited to pseudonymous employee ids and what HR systems
-- already hold (profession, workplace, hours, competences, preferences).

CREATE TABLE processed_events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('applied', 'parked', 'released', 'discarded')),
    processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE event_counters (
    name  text PRIMARY KEY,
    value bigint NOT NULL DEFAULT 0
);
INSERT INTO event_counters (name) VALUES ('duplicate'), ('deadlettered');

CREATE TABLE parked_events (
    event_id     text PRIMARY KEY,
    type         text NOT NULL,
    waiting_kind text NOT NULL,
    waiting_id   text NOT NULL,
    employee_id  text,
    envelope     jsonb NOT NULL,
    parked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parked_events_waiting ON parked_events (waiting_kind, waiting_id);
CREATE INDEX parked_events_employee ON parked_events (employee_id);

CREATE TABLE deadletters (
    id          bigserial PRIMARY KEY,
    topic       text NOT NULL,
    partition   integer,
    "offset"    bigint,
    reason      text NOT NULL,
    raw         bytea,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisations (
    organisation_id text PRIMARY KEY,
    name            text NOT NULL
);

CREATE TABLE workplaces (
    workplace_id    text PRIMARY KEY,
    name            text NOT NULL,
    sector          text NOT NULL,
    organisation_id text NOT NULL REFERENCES organisations,
    committee_id    text NOT NULL
);
CREATE INDEX workplaces_organisation ON workplaces (organisation_id);
CREATE INDEX workplaces_committee ON workplaces (committee_id);

CREATE TABLE professions (
    profession_id   text PRIMARY KEY,
    title_da        text NOT NULL,
    title_en        text NOT NULL,
    hourly_cost_dkk double precision NOT NULL
);

CREATE TABLE employees (
    employee_id        text PRIMARY KEY,
    profession_id      text NOT NULL,
    workplace_id       text NOT NULL,
    weekly_hours       double precision NOT NULL,
    age_band           text,
    learning_interests text[] NOT NULL DEFAULT '{}',
    left_on            date
);
CREATE INDEX employees_workplace ON employees (workplace_id);

CREATE TABLE competences (
    employee_id text NOT NULL,
    skill_id    text NOT NULL,
    level       smallint NOT NULL,
    assessed_on date NOT NULL,
    evidence    text NOT NULL,
    PRIMARY KEY (employee_id, skill_id)
);

-- Every assessment, for measuring the effect of learning activities.
CREATE TABLE competence_assessments (
    event_id    text PRIMARY KEY,
    employee_id text NOT NULL,
    skill_id    text NOT NULL,
    level       smallint NOT NULL,
    assessed_on date NOT NULL,
    evidence    text NOT NULL
);
CREATE INDEX competence_assessments_employee ON competence_assessments (employee_id, skill_id, assessed_on);

-- Free-text competence names the taxonomy could not map with confidence: for a person to resolve.
CREATE TABLE unmapped_competences (
    event_id    text PRIMARY KEY,
    employee_id text NOT NULL,
    skill_text  text NOT NULL,
    level       smallint NOT NULL,
    assessed_on date NOT NULL,
    evidence    text NOT NULL,
    best_skill  text,
    confidence  double precision NOT NULL
);

CREATE TABLE course_completions (
    event_id     text PRIMARY KEY,
    employee_id  text NOT NULL,
    activity_id  text NOT NULL,
    completed_on date NOT NULL,
    passed       boolean NOT NULL
);
CREATE INDEX course_completions_employee ON course_completions (employee_id);

CREATE TABLE tasks (
    task_id                text PRIMARY KEY,
    name_da                text NOT NULL,
    name_en                text NOT NULL,
    required_skills        jsonb NOT NULL,
    authorised_professions text[] NOT NULL,
    administrative         boolean NOT NULL
);

CREATE TABLE task_demand (
    workplace_id   text NOT NULL,
    task_id        text NOT NULL,
    hours_per_week double precision NOT NULL,
    PRIMARY KEY (workplace_id, task_id)
);

CREATE TABLE task_assignments (
    workplace_id   text NOT NULL,
    task_id        text NOT NULL,
    employee_id    text NOT NULL,
    hours_per_week double precision NOT NULL,
    PRIMARY KEY (workplace_id, task_id, employee_id)
);
CREATE INDEX task_assignments_employee ON task_assignments (employee_id);

CREATE TABLE authorisation_rules (
    organisation_id      text NOT NULL,
    task_id              text NOT NULL,
    profession_id        text NOT NULL,
    allowed              boolean NOT NULL,
    requires_activity_id text,
    note                 text NOT NULL DEFAULT '',
    PRIMARY KEY (organisation_id, task_id, profession_id)
);

CREATE TABLE digitalisation_changes (
    change_id       text PRIMARY KEY,
    organisation_id text NOT NULL,
    workplace_ids   text[],
    description     text NOT NULL,
    effective_on    date NOT NULL,
    effects         jsonb NOT NULL,
    event_id        text NOT NULL
);

CREATE TABLE learning_activities (
    activity_id    text PRIMARY KEY,
    kind           text NOT NULL,
    title          text NOT NULL,
    teaches        jsonb NOT NULL,
    prerequisites  jsonb NOT NULL,
    duration_hours double precision NOT NULL,
    cost_dkk       double precision NOT NULL,
    provider       text NOT NULL,
    withdrawn      boolean NOT NULL DEFAULT false
);

CREATE TABLE rotation_slots (
    slot_id           text PRIMARY KEY,
    host_workplace_id text NOT NULL,
    title             text NOT NULL,
    teaches           jsonb NOT NULL,
    requires          jsonb NOT NULL,
    weeks             integer NOT NULL,
    capacity          integer NOT NULL,
    starts_on         date NOT NULL,
    withdrawn         boolean NOT NULL DEFAULT false
);

CREATE TABLE rotation_interests (
    employee_id     text PRIMARY KEY,
    ranked_slot_ids text[] NOT NULL,
    available_from  date NOT NULL,
    max_weeks       integer NOT NULL
);

-- Scopes whose proposals must be recomputed: kind is 'organisation' or 'workplace'.
CREATE TABLE dirty_scopes (
    scope_kind text NOT NULL,
    scope_id   text NOT NULL,
    since      timestamptz NOT NULL DEFAULT now(),
    -- Ids of (some of) the events that made the scope dirty, newest last: a proposal names its causes.
    event_ids  text[] NOT NULL DEFAULT '{}',
    -- Bumped by every new cause, so a re-matcher that read an older version keeps the scope dirty.
    version    bigint NOT NULL DEFAULT 1,
    claimed_at timestamptz,
    PRIMARY KEY (scope_kind, scope_id)
);

CREATE TABLE proposals (
    proposal_id  text PRIMARY KEY,
    kind         text NOT NULL,
    committee_id text NOT NULL,
    scope        text NOT NULL,
    employee_ids text[] NOT NULL DEFAULT '{}',
    summary_da   text NOT NULL,
    summary_en   text NOT NULL,
    explanation  jsonb NOT NULL,
    effect       jsonb NOT NULL,
    supersedes   text,
    status       text NOT NULL DEFAULT 'pending',
    fingerprint  text NOT NULL,
    source_events text[] NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proposals_committee ON proposals (committee_id, status);
CREATE INDEX proposals_scope ON proposals (scope, kind, status);

CREATE TABLE decisions (
    event_id    text PRIMARY KEY,
    proposal_id text NOT NULL REFERENCES proposals,
    by          text NOT NULL,
    decision    text NOT NULL,
    comment     text NOT NULL DEFAULT '',
    decided_at  timestamptz NOT NULL
);
CREATE INDEX decisions_proposal ON decisions (proposal_id);

CREATE TABLE suggestions (
    suggestion_id    text PRIMARY KEY,
    employee_id      text NOT NULL,
    kind             text NOT NULL,
    proposal_id      text NOT NULL,
    summary_da       text NOT NULL,
    summary_en       text NOT NULL,
    explanation      jsonb NOT NULL DEFAULT '{}',
    respond_by       date,
    status           text NOT NULL DEFAULT 'open',
    response_comment text NOT NULL DEFAULT '',
    answered_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX suggestions_employee ON suggestions (employee_id);

CREATE TABLE api_tokens (
    token_sha256 text PRIMARY KEY,
    role         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    subject  text NOT NULL,
    action   text NOT NULL,
    endpoint text NOT NULL,
    purpose  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_subject ON audit_log (subject);

-- Anonymous aggregates kept when a person is erased, so the development
-- statistics stay true without the person.
CREATE TABLE erased_aggregates (
    profession_id text NOT NULL,
    workplace_id  text NOT NULL,
    age_band      text NOT NULL,
    completions   integer NOT NULL DEFAULT 0,
    passed        integer NOT NULL DEFAULT 0,
    rotations     integer NOT NULL DEFAULT 0,
    people        integer NOT NULL DEFAULT 0,
    PRIMARY KEY (profession_id, workplace_id, age_band)
);

-- Erased people, as one-way digests of their ids: events about them that arrive
-- after the erasure (from other topics, or redelivered) are discarded, not kept.
CREATE TABLE erased_subjects (
    subject_sha256 text PRIMARY KEY
);

-- That an erasure happened, without whom.
CREATE TABLE erasures (
    id        bigserial PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now(),
    rows      integer NOT NULL
);

-- Requirements an organisation's digitalisation changes added to a task.
CREATE TABLE local_requirements (
    organisation_id text NOT NULL,
    task_id         text NOT NULL,
    skill_id        text NOT NULL,
    min_level       smallint NOT NULL,
    PRIMARY KEY (organisation_id, task_id, skill_id)
);

-- Tasks an organisation's digitalisation changes retired.
CREATE TABLE retired_tasks (
    organisation_id text NOT NULL,
    task_id         text NOT NULL,
    PRIMARY KEY (organisation_id, task_id)
);

-- Events the system publishes, written in the same transaction as their
-- cause and sent to Kafka by the worker's relay (transactional outbox).
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    key          text NOT NULL,
    value        jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Hours a digitalisation change took away from a task at a workplace: the
-- people doing them are needed elsewhere, and proposals say where.
CREATE TABLE freed_hours (
    change_id    text NOT NULL,
    workplace_id text NOT NULL,
    task_id      text NOT NULL,
    hours        double precision NOT NULL,
    PRIMARY KEY (change_id, workplace_id, task_id)
);
