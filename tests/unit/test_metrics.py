"""The pure parts of the health and metrics: round histograms, readiness from a lag, route labels."""

from __future__ import annotations

import math

from tillid.config import Settings
from tillid.review.lag import STALE_SECONDS, ConsumerLag, Lag
from tillid.review.metrics import UNMATCHED, route_template
from tillid.store.tallies import Tally
from tillid.store.worker_rounds import RoundTimes


def test_round_times_count_each_round_in_its_bucket_and_cumulate_like_prometheus():
    times = RoundTimes(bounds=(0.1, 1.0, math.inf), counts=[0, 0, 0])
    for seconds in (0.05, 0.1, 0.5, 7.0):
        times.observe(seconds)
    assert times.counts == [2, 1, 1]
    assert times.cumulative() == [2, 3, 4]
    assert times.sum_seconds == 7.65 and times.unwritten == 4


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def lag_of(records: dict[tuple[str, int], int], clock: Clock, max_lag: int = 10) -> ConsumerLag:
    lag = ConsumerLag(Settings(kafka="broker:9092", ready_max_lag=max_lag), clock=clock)
    lag.latest = Lag(records, clock())
    return lag


def test_ready_below_the_limit_and_not_at_it():
    clock = Clock()
    assert lag_of({("hr.employees", 0): 4, ("hr.employees", 1): 5}, clock).readiness() == (
        True, "ok: 9 records not committed")
    ready, said = lag_of({("hr.employees", 0): 4, ("hr.employees", 1): 6}, clock).readiness()
    assert not ready and said.startswith("behind: 10 records") and "TILLID_READY_MAX_LAG 10" in said


def test_an_old_measurement_is_no_measurement():
    clock = Clock()
    lag = lag_of({}, clock)
    assert lag.readiness()[0]
    clock.now += STALE_SECONDS + 1
    lag.problem = "the broker did not answer (KafkaConnectionError)"
    assert lag.current() is None
    assert lag.readiness() == (False, "unknown: the broker did not answer (KafkaConnectionError)")


def test_never_measured_is_not_ready():
    lag = ConsumerLag(Settings(kafka="broker:9092"))
    assert lag.readiness() == (False, "unknown: not measured yet")


class Route:
    def __init__(self, path: str) -> None:
        self.path = path


class Effective:
    path_format = "/api/proposals/{proposal_id}"


def test_route_label_is_the_whole_template_or_unmatched():
    nested = {"route": Route("/proposals/{proposal_id}"), "fastapi": {"effective_route_context": Effective()}}
    assert route_template(nested) == "/api/proposals/{proposal_id}"
    assert route_template({"route": Route("/static")}) == "/static"
    assert route_template({}) == UNMATCHED


def test_a_tally_moves_counts_between_outcomes_and_keeps_released_as_applied():
    tally = Tally()
    tally.add_events(["CompetenceAssessed", "EmployeeUpserted"], "applied")
    tally.move("CompetenceAssessed", "applied", "parked")
    tally.move("CompetenceAssessed", "parked", "released")
    tally.move("CompetenceAssessed", "released", "applied")  # the same count: nothing moves
    tally.move("CompetenceAssessed", "released", "discarded")
    assert {key: n for key, n in tally.changes.items() if n} == {
        ("hr.employees", "applied"): 1, ("hr.competences", "discarded"): 1}
