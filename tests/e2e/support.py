"""Helpers for the reliability tests: publish demo streams, build a reference store, compare stores."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass

import asyncpg
from kafka import KafkaConsumer, KafkaProducer

from tillid.competence.demo import generate_events
from tillid.competence.events import Keyer, encode, validate
from tillid.config import Settings
from tillid.store.projection.context import resolve_with_taxonomy
from tillid.store.projection.projector import Projector

from tests.services import TEMPLATE

# Columns that record when or in which order something was processed, not what the store knows.
PROCESSING_COLUMNS = {"processed_at", "parked_at", "since", "recorded_at", "created_at", "erased_at", "at",
                      "outcome"}
# Tables that are bookkeeping of the process rather than projected state (compared separately).
# Bookkeeping, and what the re-matcher derives from the projected state (it runs in the worker
# but not beside the reference store): compared elsewhere, not here.
NOT_STATE = {"schema_migrations", "event_tallies", "worker_rounds", "dirty_scopes", "proposals", "outbox",
             "suggestions", "decisions", "open_hours_seen", "effect_estimates_seen"}
SERIAL_IDS = {("deadletters", "id"), ("erasures", "id"), ("audit_log", "id"), ("outbox", "id"),
              # how many rows an erasure touched includes the proposals the worker's re-matcher wrote
              ("erasures", "rows"),
              # each store draws its own erasure key, so its digests of erased ids are its own: the number
              # of erased subjects and their kind still compare
              ("erasure_key", "key"), ("erased_subjects", "subject_sha256")}


@dataclass(frozen=True)
class Message:
    topic: str  # without prefix
    key: bytes
    value: bytes
    event_id: str


def demo_messages(scale: float, seed: int = 42) -> tuple[list[Message], list]:
    """The demo stream as keyed Kafka messages, and the validated envelopes in stream order."""
    keyer = Keyer()
    messages, envelopes = [], []
    for raw in generate_events(seed, scale):
        envelope = validate(raw)
        envelopes.append(envelope)
        messages.append(Message(envelope.topic, keyer.key(envelope).encode(), encode(envelope), envelope.event_id))
    return messages, envelopes


def publish(settings: Settings, messages: list[Message]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka, acks="all", linger_ms=10, batch_size=256 * 1024)
    try:
        for m in messages:
            producer.send(settings.topic(m.topic), key=m.key, value=m.value)
        producer.flush(60)
    finally:
        producer.close()


def publish_slowly(settings: Settings, messages: list[Message], seconds: float, chunks: int = 20) -> threading.Thread:
    """Publish in chunks spread over about ``seconds`` from a background thread (a stream still flowing)."""
    def run() -> None:
        size = max(1, -(-len(messages) // chunks))
        for start in range(0, len(messages), size):
            publish(settings, messages[start:start + size])
            time.sleep(seconds / chunks)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


async def fresh_database(admin_url: str, name: str) -> str:
    """A new migrated database cloned from the test template on the server of ``admin_url``."""
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    finally:
        await admin.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def apply_directly(database_url: str, envelopes: list, batch_size: int = 500) -> None:
    """The reference: the same events applied in stream order by the Projector, no Kafka, no worker."""
    projector = Projector(resolve_skill=resolve_with_taxonomy)
    await asyncio.to_thread(resolve_with_taxonomy, "sårpleje")  # build the mapper's index once, off the loop
    conn = await asyncpg.connect(database_url)
    try:
        for start in range(0, len(envelopes), batch_size):
            await projector.apply(conn, envelopes[start:start + batch_size])
    finally:
        await conn.close()


async def snapshot(database_url: str) -> dict[str, list[tuple]]:
    """Every projected table's rows (without processing timestamps and serial ids), sorted."""
    conn = await asyncpg.connect(database_url)
    try:
        columns: dict[str, list[str]] = {}
        for row in await conn.fetch(
                """SELECT table_name, column_name FROM information_schema.columns
                   WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""):
            table, column = row["table_name"], row["column_name"]
            if table in NOT_STATE or column in PROCESSING_COLUMNS or (table, column) in SERIAL_IDS:
                continue
            columns.setdefault(table, []).append(column)
        tables = {}
        for table, cols in columns.items():
            select = ", ".join(f'"{c}"::text' for c in cols)
            rows = await conn.fetch(f"SELECT {select} FROM {table}")
            tables[table] = sorted((tuple(r) for r in rows), key=lambda t: tuple("" if v is None else v for v in t))
        return tables
    finally:
        await conn.close()


def differences(actual: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> dict[str, str]:
    """Per table that differs: row counts and a few rows only on one side."""
    found = {}
    for table in sorted(set(actual) | set(expected)):
        a, e = actual.get(table, []), expected.get(table, [])
        if a != e:
            only_a = [r for r in a if r not in set(e)][:3]
            only_e = [r for r in e if r not in set(a)][:3]
            found[table] = f"{len(a)} rows vs {len(e)} expected; only actual {only_a}; only expected {only_e}"
    return found


async def fetchval(database_url: str, query: str, *args):
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetchval(query, *args)
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


async def wait_until(database_url: str, query: str, predicate, timeout: float, interval: float = 0.2):
    """Poll until ``predicate(value)`` holds; returns the last value (the caller asserts)."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        try:
            value = await fetchval(database_url, query)
        except (OSError, asyncpg.PostgresError):
            value = None
        if value is not None and predicate(value):
            return value
        await asyncio.sleep(interval)
    return value


def consume(settings: Settings, topic: str, expected: int, timeout: float = 30.0) -> list:
    """Read a topic from the beginning until ``expected`` messages or the timeout."""
    consumer = KafkaConsumer(settings.topic(topic), bootstrap_servers=settings.kafka, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None, consumer_timeout_ms=1000)
    records = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            for record in consumer:
                records.append(record)
                if len(records) >= expected:
                    break
    finally:
        consumer.close()
    return records


def json_value(record) -> dict:
    return json.loads(record.value)
