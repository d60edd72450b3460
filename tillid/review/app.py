"""The review service: the HTTP API of docs/contracts/api.md and the pages for people."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from tillid.config import Settings
from tillid.review import api, api_docs, errors, metrics, pages, security
from tillid.review.api.events import MAX_BYTES as EVENTS_MAX_BYTES
from tillid.review.draining import RefuseWritesWhileDraining
from tillid.review.health import TIMEOUT_SECONDS, KafkaHealth, database_health
from tillid.review.intake_relay import relay_intake
from tillid.review.lag import ConsumerLag
from tillid.review.pages.session import SESSION_COOKIE
from tillid.review.publisher import EventPublisher
from tillid.review.relay import relay_review_events
from tillid.kafka_security import aiokafka_options
from tillid.store.db import create_pool, migrate

log = logging.getLogger("tillid.api")


def create_app(settings: Settings) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.pool = await create_pool(settings.database_url, min_size=1, max_size=8)
        async with app.state.pool.acquire() as conn:
            await migrate(conn)
        # Connect to Kafka in the background: the service serves pages and reads while Kafka is away.
        connecting = asyncio.create_task(app.state.publisher.start())
        # Decisions and answers made here leave through this service's producer (tillid/review/relay.py),
        # and so does what POST /api/events accepted (tillid/review/intake_relay.py).
        relaying = asyncio.create_task(relay_review_events(app.state.pool, app.state.publisher, settings.topic_prefix))
        relaying_intake = asyncio.create_task(relay_intake(app.state.pool, app.state.publisher,
                                                           settings.topic_prefix))
        measuring_lag = asyncio.create_task(app.state.consumer_lag.run())
        warming = asyncio.get_running_loop().run_in_executor(None, pages.warm_up)
        try:
            yield
        finally:
            for task in (relaying, relaying_intake, connecting, measuring_lag):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await app.state.publisher.stop()
            await app.state.kafka_health.close()
            await warming
            await app.state.pool.close()

    app = FastAPI(title="Tillid", version="0.1.0", lifespan=lifespan, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None,
                  description="Proposals for MED committees, suggestions for employees, events from HR "
                              "systems. See docs/api.md.")
    app.state.settings = settings
    # Decisions and answers leave the service signed; without the key it cannot write them.
    app.state.signing_key = settings.signing_key()
    app.state.pool = None
    app.state.publisher = EventPublisher(settings)
    app.state.kafka_health = KafkaHealth(settings.kafka, aiokafka_options(settings))
    app.state.consumer_lag = ConsumerLag(settings, aiokafka_options(settings))
    app.state.http_metrics = metrics.HttpMetrics()
    app.add_middleware(RefuseWritesWhileDraining, data_dir=settings.data_dir)
    errors.install(app)
    app.include_router(api.router())
    api_docs.install(app)
    pages.install(app)
    security.install(app, session_cookie=SESSION_COOKIE, route_caps={("POST", "/api/events"): EVENTS_MAX_BYTES},
                     always_https=(settings.public_url or "").startswith("https://"))
    app.add_middleware(metrics.CountRequests, metrics=app.state.http_metrics)

    @app.get("/healthz", tags=["health"])
    async def healthz():
        database = await database_health(app.state.pool)
        kafka = await app.state.kafka_health.status()
        healthy = database == "ok" and kafka == "ok"
        body = {"status": "ok" if healthy else "unavailable", "kafka": kafka, "database": database}
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.get("/readyz", tags=["health"])
    async def readyz():
        """Ready to serve: PostgreSQL and the broker answer and the worker is less than
        TILLID_READY_MAX_LAG records behind. No authentication, and no personal data: states only."""
        parts = {"database": await database_health(app.state.pool), "kafka": await app.state.kafka_health.status()}
        lag_ready, parts["lag"] = app.state.consumer_lag.readiness()
        not_ready = [name for name in ("database", "kafka") if parts[name] != "ok"] + ([] if lag_ready else ["lag"])
        body = {"status": "not ready" if not_ready else "ready", **parts, "not_ready": not_ready}
        return JSONResponse(body, status_code=503 if not_ready else 200)

    @app.get("/metrics", tags=["health"])
    async def metrics_text():
        """Prometheus' text format. No authentication: counts only (docs/api.md, "Health and metrics")."""
        return Response(await _metrics(app), media_type=metrics.CONTENT_TYPE)

    return app


async def _metrics(app: FastAPI) -> bytes:
    families = metrics.lag_families(app.state.consumer_lag.current())
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            async with app.state.pool.acquire() as conn:
                families += await metrics.store_families(conn)
        families.append(metrics.store_up(True))
    except Exception as error:  # a scrape reports the store away rather than failing
        log.warning("/metrics could not read the store: %r", error)
        families.append(metrics.store_up(False))
    return app.state.http_metrics.text() + metrics.exposition(families)
