"""Pure, deterministic matching: the solvers and the proposals drafted from their results.

``leon`` (task allocation), ``upskilling`` (learning paths, mentors, funds,
measured effect) and ``rotation`` (cross-sector placements) each solve an
instance of docs/contracts/solvers.md; ``proposals`` turns what the store knows
about a scope into their instances and their results into proposals.

May import: ``tillid.competence`` and ``tillid.errors``. No I/O, no clock, no
faust, kafka, asyncpg or fastapi imports: plain data in, results out.
"""
