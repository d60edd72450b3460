-- Who, not only which role: the holder a token was issued to (free text the admin sets, e.g. a
-- pseudonymous staff number), so a committee's reads and decisions can be traced to the member.
-- Null for the admin token from the settings and for rows written before tokens had holders.
ALTER TABLE audit_log ADD COLUMN holder text;
CREATE INDEX audit_log_actor ON audit_log (actor, holder);

-- The role and holder that really decided. ``by`` stays the event contract's committee | employee;
-- an admin deciding for a committee is recorded here as admin. Null for decisions that came in
-- from Kafka without an actor (and for those decided before this migration).
ALTER TABLE decisions ADD COLUMN decided_by_role text, ADD COLUMN decided_by_holder text;
