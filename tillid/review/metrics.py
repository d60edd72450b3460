"""/metrics: the whole system's numbers in Prometheus' text format, from the review service.

Two kinds of numbers. The review service's own HTTP requests, counted by an ASGI middleware
(``HttpMetrics``) per route template, so ids in paths do not multiply the series. And what the store
and the broker say, read at each scrape from a few small rows (``store_families``): the event tallies
per topic and outcome (kept as events are applied, ``tillid.store.tallies``), the intake and outbox
backlog, the re-match queue, the rounds each worker wrote (``tillid.store.worker_rounds``), proposals
by kind and status; and the consumer lag per partition, measured in the background
(``tillid.review.lag``). Counts only: no person's data is in any label or value.
"""

from __future__ import annotations

import time
from typing import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tillid.review import queries
from tillid.review.lag import Lag
from tillid.store import intake, tallies, worker_rounds

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Requests that matched no route share one label value, and so do methods HTTP does not define: what a
# client sends must not grow the series without bound.
UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Event outcomes as /metrics names them (tillid.store.tallies.OUTCOMES), all counters but the parked.
_EVENT_COUNTERS = {"applied": ("tillid_events_applied", "events applied to the store, per topic"),
                   "duplicate": ("tillid_events_duplicate", "events received again and not applied again"),
                   "deadlettered": ("tillid_events_deadlettered", "messages rejected to the dead-letter topic"),
                   "discarded": ("tillid_events_dropped_by_erasure",
                                 "events dropped because the person they are about was erased")}


class HttpMetrics:
    """Request counts and latencies of this service, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("tillid_http_requests", "HTTP requests answered, per route template",
                                ("method", "route", "status"), registry=self.registry)
        self.latency = Histogram("tillid_http_request_duration_seconds",
                                 "time to answer an HTTP request, per route template", ("method", "route"),
                                 buckets=HTTP_BUCKETS, registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def text(self) -> bytes:
        return generate_latest(self.registry)


class CountRequests:
    """ASGI middleware: every HTTP request into ``HttpMetrics``, labelled with the template of the route
    that answered it (``/api/proposals/{proposal_id}``), which the router leaves in the scope."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            method = scope["method"] if scope["method"] in METHODS else OTHER_METHOD
            self.metrics.observe(method, route_template(scope), status, time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The whole template of the route that answered. FastAPI keeps included routers nested, and
    ``scope["route"]`` holds the innermost route's own part (``/proposals/{proposal_id}``); the whole
    template is in the effective route FastAPI records (what its own telemetry reads), with the
    route's own path as the fallback (a mount, such as /static)."""
    effective = (scope.get("fastapi") or {}).get("effective_route_context")
    for candidate in (effective, scope.get("route")):
        path = getattr(candidate, "path_format", None) or getattr(candidate, "path", None)
        if isinstance(path, str) and path:
            return path
    return UNMATCHED


async def store_families(conn) -> list[Metric]:
    """The store's numbers, from a few small reads."""
    families: list[Metric] = []
    counted = await tallies.read(conn)
    for outcome, (name, documentation) in _EVENT_COUNTERS.items():
        family = CounterMetricFamily(name, documentation, labels=("topic",))
        for (topic, found), events in sorted(counted.items()):
            if found == outcome:
                family.add_metric((topic,), events)
        families.append(family)
    pending = GaugeMetricFamily("tillid_events_pending", "events parked, waiting for what they refer to",
                                labels=("topic",))
    for (topic, found), events in sorted(counted.items()):
        if found == "parked":
            pending.add_metric((topic,), events)
    families.append(pending)

    backlog = await intake.backlog(conn)
    families.append(GaugeMetricFamily("tillid_intake_backlog", "events accepted by POST /api/events and not "
                                      "applied yet", value=backlog.intake))
    families.append(GaugeMetricFamily("tillid_outbox_backlog", "events the store wrote that are not relayed to "
                                      "Kafka yet", value=backlog.outbox))

    queue = GaugeMetricFamily("tillid_rematch_queue_scopes", "scopes marked dirty, waiting to be matched again",
                              labels=("kind",))
    for kind, count in sorted((await queries.rematch_queue(conn)).items()):
        queue.add_metric((kind,), count)
    families.append(queue)

    rounds = HistogramMetricFamily("tillid_rematch_round_seconds", "duration of the re-matcher's rounds, per "
                                   "worker process", labels=("worker",))
    for worker in await worker_rounds.read(conn):
        buckets = [("+Inf" if bound == float("inf") else repr(bound), count)
                   for bound, count in zip(worker.bounds, worker.cumulative)]
        rounds.add_metric((worker.worker,), buckets, worker.sum_seconds)
    families.append(rounds)

    proposals = GaugeMetricFamily("tillid_proposals", "proposals by kind and status", labels=("kind", "status"))
    for (kind, status), count in sorted((await queries.proposal_counts(conn)).items()):
        proposals.add_metric((kind, status), count)
    families.append(proposals)
    return families


def lag_families(lag: Lag | None) -> list[Metric]:
    """The consumer lag per partition, and whether it was measured recently."""
    measured = GaugeMetricFamily("tillid_consumer_lag_measured", "1 when the consumer lag below was measured in "
                                 "the last few seconds, 0 when the broker did not answer",
                                 value=0 if lag is None else 1)
    family = GaugeMetricFamily("tillid_consumer_lag", "records on a partition the worker's consumer group has not "
                               "committed yet", labels=("topic", "partition"))
    for (topic, partition), records in sorted((lag.partitions if lag else {}).items()):
        family.add_metric((topic, str(partition)), records)
    return [measured, family]


def store_up(up: bool) -> Metric:
    return GaugeMetricFamily("tillid_store_up", "1 when PostgreSQL answered this scrape", value=1 if up else 0)


def exposition(families: Iterable[Metric]) -> bytes:
    """Families collected outside a registry, in the text format."""

    class _Collected:
        def collect(self):
            return list(families)

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collected())
    return generate_latest(registry)
