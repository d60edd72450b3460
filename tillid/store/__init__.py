"""The PostgreSQL store: connections, migrations and every SQL statement of Tillid.

``db`` opens connections and applies ``migrations/``; ``projection`` applies
validated events; one module per concern (``proposals``, ``scopes``,
``snapshots``, ``queue``, ``outbox``, ``intake``, ``audit`` ...) holds the
statements and the functions the worker and the review service call, so no
other layer writes SQL (tests/unit/test_layering.py checks it for streams).

May import: ``tillid.competence``, ``tillid.matching``, ``tillid.errors`` and
``tillid.config``; asyncpg is its driver.
"""
