"""/healthz's Kafka check: one answer per interval, however often it is asked (no broker needed)."""

from __future__ import annotations

import aiokafka.client

from tillid.review.health import KafkaHealth
from tillid.runtime.embedded import free_port


async def test_a_check_is_reused_within_the_interval(monkeypatch):
    attempts: list[str] = []
    create_conn = aiokafka.client.create_conn

    async def counted(*args, **kwargs):
        attempts.append(f"{args[0]}:{args[1]}")
        return await create_conn(*args, **kwargs)

    monkeypatch.setattr(aiokafka.client, "create_conn", counted)
    now = [100.0]
    health = KafkaHealth(f"127.0.0.1:{free_port()}", refresh_seconds=2.0, clock=lambda: now[0])
    try:
        assert (await health.status()).startswith("unavailable")
        first = len(attempts)
        assert first >= 1
        for _ in range(10):
            assert (await health.status()).startswith("unavailable")
        assert len(attempts) == first
        now[0] += 2.0
        assert (await health.status()).startswith("unavailable")
        assert len(attempts) > first
    finally:
        await health.close()


async def test_without_kafka_configured():
    assert await KafkaHealth(None).status() == "unavailable: TILLID_KAFKA is not set"
