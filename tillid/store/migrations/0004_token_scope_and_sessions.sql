-- Tokens get an id (to revoke by), an expiry, the organisations an hr: token may send events about
-- (['*'] is the national scope; empty for other roles) and the holder the admin named when issuing.
-- Tokens issued before this migration get an id and expire 90 days (the default lifetime) from now.
ALTER TABLE api_tokens ADD COLUMN token_id text, ADD COLUMN expires_at timestamptz,
    ADD COLUMN organisations text[] NOT NULL DEFAULT '{}', ADD COLUMN holder text;
UPDATE api_tokens SET token_id = substr(md5(random()::text || token_sha256), 1, 24),
                      expires_at = now() + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN token_id SET NOT NULL, ALTER COLUMN expires_at SET NOT NULL,
    ADD CONSTRAINT api_tokens_token_id UNIQUE (token_id);

-- Page sessions: the cookie holds a random session id, the store only its SHA-256 and the SHA-256 of
-- the token signed in with (the admin token's too), which is looked up on every request like a bearer
-- token, so expiry and revocation end the session.
CREATE TABLE page_sessions (
    session_sha256 text PRIMARY KEY,
    token_sha256   text NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX page_sessions_token ON page_sessions (token_sha256);
