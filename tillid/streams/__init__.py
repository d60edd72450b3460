"""The worker on Kafka: ingest, re-matching and the outbox relay (``tillid worker``).

``app`` is the faust application that runs them; ``consumer`` and ``ingest``
read batches, validate them and have the store apply them (dead letters in
``deadletter``); ``rematcher`` re-solves the scopes events made dirty and
issues proposals; ``producer`` and ``topics`` are the Kafka side of
``tillid publish`` and ``tillid up``. See docs/streams.md.

May import: ``tillid.competence``, ``tillid.matching``, ``tillid.store``,
``tillid.runtime``, ``tillid.errors``, ``tillid.config`` and
``tillid.kafka_security``. Runs no SQL of its own: the store does.
"""
