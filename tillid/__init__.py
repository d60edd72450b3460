"""Tillid: competence development, LEON task allocation and cross-sector rotation matching.

One package whose subpackages carry the design's names; each says what it may
import (tests/unit/test_layering.py holds the rules):

- ``competence``: the domain's types, the event contract and the skill taxonomy (pure);
- ``matching``: the solvers (leon, upskilling, rotation) and proposal drafting (pure);
- ``store``: PostgreSQL, every SQL statement, the projection of events;
- ``streams``: the worker (ingest, re-matcher, outbox relay) on Kafka;
- ``review``: the review service (HTTP API, pages for people);
- ``runtime``: the embedded PostgreSQL and broker, supervision, backups;
- ``cli``: the ``tillid`` command, which may import all of them.

Beside them three modules every layer may share: ``errors`` (the one error
hierarchy, importing nothing of Tillid), ``config`` (settings from the
environment; imports ``errors``) and ``kafka_security`` (how Kafka clients
connect; imports ``config`` and ``errors``).
"""

__version__ = "0.1.0"
