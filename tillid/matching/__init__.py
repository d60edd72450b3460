"""Pure, deterministic matching algorithms: leon, upskilling, rotation.

No I/O, no clock, no faust, kafka or asyncpg imports: plain data in, results out.
"""
