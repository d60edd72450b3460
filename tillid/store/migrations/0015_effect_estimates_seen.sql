-- The measured effect of each activity as upskilling proposals were last chosen with it (rounded as
-- they use it). When a refresh of the estimates changes one, the workplaces whose pending upskilling
-- proposals concern a skill it teaches are marked for re-matching, so the proposals depend on the
-- events alone, not on when the estimates were read (docs/upskilling.md, "Measured effect").
CREATE TABLE effect_estimates_seen (
    activity_id text PRIMARY KEY,
    effect      double precision NOT NULL
);
