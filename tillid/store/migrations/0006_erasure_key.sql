-- The secret that keys the digests an erased person is remembered by (erased_subjects, and the
-- subject of the audit rows about them): HMAC-SHA256 of the employee id under this key, so that
-- a digest cannot be recomputed from a guessed id without the key (docs/security.md).
-- One row, 32 bytes from two random UUIDs (pg_strong_random underneath; pgcrypto is not needed).
CREATE TABLE erasure_key (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    key bytea NOT NULL CHECK (length(key) = 32)
);
INSERT INTO erasure_key (key)
SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');

-- Digests written before this migration are unkeyed SHA-256 (kind 'sha256'); later ones are
-- keyed (kind 'hmac'). Events about a person erased before are still recognised by the old form.
ALTER TABLE erased_subjects ADD COLUMN kind text NOT NULL DEFAULT 'sha256' CHECK (kind IN ('sha256', 'hmac'));
ALTER TABLE erased_subjects ALTER COLUMN kind SET DEFAULT 'hmac';
