"""The review service (``tillid api``): the HTTP API of docs/contracts/api.md and the pages for people.

``app`` builds the FastAPI application; ``api`` holds one router per resource,
``pages`` the server-rendered pages with ``i18n`` their Danish and English
text, ``api_docs`` the Swagger UI; ``auth``, ``audit``, ``security`` and
``draining`` apply to every request; the decisions people make leave as signed
events through the outbox relay (``actions``, ``relay``, ``publisher``).
See docs/api.md and docs/pages.md.

May import: ``tillid.competence``, ``tillid.matching``, ``tillid.store``,
``tillid.runtime``, ``tillid.errors``, ``tillid.config`` and
``tillid.kafka_security``.
"""
