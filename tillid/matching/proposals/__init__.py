"""Proposal drafting: from what is known about a scope to the solvers' instances, and from their results to proposals.

``snapshot`` holds the plain, immutable data the re-matcher reads from the
store; one module per kind (``leon``, ``upskilling``, ``rotation``) turns it
into a solver instance and the solver's result into proposal drafts, with the
parts a committee can keep or drop (``items``) and every person they name
(``people``); ``common`` has the stable fingerprints and the numbers written
for people. See docs/proposals.md. The re-matcher (``tillid.streams``) calls it.

May import: ``tillid.competence``, ``tillid.errors`` and the rest of
``tillid.matching``. Pure: no I/O, no clock, no faust, kafka or asyncpg.
"""
