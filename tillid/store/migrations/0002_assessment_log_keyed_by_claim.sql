-- The assessment log needs no unique index of its own: a row is written only by the transaction
-- that claims its event id in processed_events, whose primary key already makes the id unique.
-- Without it, logging an assessment costs PostgreSQL about a fifth less (docs/benchmarks.md).
ALTER TABLE competence_assessments DROP CONSTRAINT competence_assessments_pkey;
