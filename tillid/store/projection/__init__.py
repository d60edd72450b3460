"""The projection of events into PostgreSQL: how each event type changes the store.

``projector.Projector`` applies a batch of valid events in one transaction,
with the processed event ids (idempotent), parks events whose referent is not
known yet, and records the scopes to match again; ``handlers`` holds one
handler per event type, ``demand``, ``digitalisation`` and ``erasure`` the
rules that need more than one statement. See docs/streams.md.

May import (as all of ``tillid.store``): ``tillid.competence``,
``tillid.matching``, ``tillid.errors`` and ``tillid.config``.
"""
