"""Page sessions: a random id in the person's cookie, its SHA-256 here with the token it was opened with.

The session keeps only digests: the SHA-256 of the session id and of the token (the admin token's too),
so neither a copy of the table nor of the cookie gives the token itself.
"""

from __future__ import annotations

import hashlib
import secrets


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


async def open_session(conn, token_sha256: str, max_age_seconds: int) -> str:
    """A new session for the token with this digest; returns the id for the cookie. Drops expired sessions."""
    await conn.execute("DELETE FROM page_sessions WHERE expires_at <= now()")
    session_id = secrets.token_urlsafe(32)
    await conn.execute("""INSERT INTO page_sessions (session_sha256, token_sha256, expires_at)
                          VALUES ($1, $2, now() + make_interval(secs => $3))""",
                       session_digest(session_id), token_sha256, float(max_age_seconds))
    return session_id


async def token_of_session(conn, session_id: str) -> str | None:
    """The digest of the token a live session was opened with, or None (unknown, expired or ended)."""
    return await conn.fetchval("SELECT token_sha256 FROM page_sessions WHERE session_sha256 = $1 "
                               "AND expires_at > now()", session_digest(session_id))


async def end_session(conn, session_id: str) -> None:
    await conn.execute("DELETE FROM page_sessions WHERE session_sha256 = $1", session_digest(session_id))


async def end_sessions_of_token(conn, token_sha256: str) -> None:
    await conn.execute("DELETE FROM page_sessions WHERE token_sha256 = $1", token_sha256)
