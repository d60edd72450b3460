"""The embedded broker is started afresh only when it holds too much and everything is applied."""

from __future__ import annotations

from tillid.runtime.broker_memory import BrokerRecycler


class World:
    def __init__(self, held: float | None, drained: bool) -> None:
        self.now = 0.0
        self.held = held
        self.is_drained = drained
        self.asked_drained = 0
        self.restarts: list[str] = []
        self.recycler = BrokerRecycler(100, lambda: self.held, self.drained, self.restarts.append,
                                       every_seconds=10, pause_seconds=300, clock=lambda: self.now)

    def drained(self) -> bool:
        self.asked_drained += 1
        return self.is_drained

    def run_for(self, seconds: float) -> None:
        end = self.now + seconds
        while self.now < end:
            self.recycler.check()
            self.now += 0.5


def test_over_the_bound_and_drained_it_restarts_saying_why_and_not_again_for_the_pause():
    world = World(held=150, drained=True)
    world.run_for(10.4)
    assert len(world.restarts) == 1
    assert "150 MiB" in world.restarts[0] and "TILLID_EMBEDDED_BROKER_MAX_MIB=100" in world.restarts[0]
    world.run_for(299)  # still over the bound (a bound below the idle broker's size): no restart every check
    assert len(world.restarts) == 1
    world.run_for(2)
    assert len(world.restarts) == 2


def test_under_the_bound_it_does_not_even_ask_whether_everything_is_applied():
    world = World(held=99, drained=True)
    world.run_for(60)
    assert world.restarts == [] and world.asked_drained == 0


def test_over_the_bound_with_events_in_flight_it_waits_until_they_are_applied():
    world = World(held=500, drained=False)
    world.run_for(60)
    assert world.restarts == [] and world.asked_drained == 5  # at 10, 20 ... 50 s
    world.is_drained = True
    world.run_for(10)
    assert len(world.restarts) == 1


def test_a_broker_that_is_not_running_is_left_to_the_supervisor():
    world = World(held=None, drained=True)
    world.run_for(60)
    assert world.restarts == []
