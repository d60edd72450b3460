"""The competence domain: typed data, event contracts and their validation, the skill taxonomy.

Pure: no faust, kafka or asyncpg imports here (the PostgreSQL store lives in tillid.store).
"""
