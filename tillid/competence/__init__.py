"""The competence domain: typed data, event contracts and their validation, the skill taxonomy.

``model`` holds the domain's types (an employee, a profession, a task, a
proposal item...), ``labels`` the names people read for ids; ``events`` is the
event contract (docs/contracts/events.md) and its validation, ``taxonomy`` the
skills and free-text skill mapping, ``demo`` the seeded demo organisation.

May import: ``tillid.errors`` only. Pure: no faust, kafka, asyncpg or fastapi
imports here (the PostgreSQL store lives in tillid.store).
"""
