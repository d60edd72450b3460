"""What runs Tillid's processes: the embedded PostgreSQL and broker, supervision and backups.

``services`` and ``embedded`` start PostgreSQL and the Kafka-compatible broker
when the configuration does not point at running ones (``tillid up`` and the
tests), ``supervisor`` starts and restarts the parts of ``tillid up``,
``drain`` is its flag for stopping in order, ``backup`` takes backups with
PostgreSQL's tools, ``broker_memory`` bounds the broker's memory and
``garbage`` sets the cyclic garbage collector of a streaming process.

May import: ``tillid.errors`` and ``tillid.config``.
"""
