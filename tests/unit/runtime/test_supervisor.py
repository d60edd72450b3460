"""The supervisor of `tillid up` on fake parts and a fake clock: backoff, giving up, dependents, log lines."""

from __future__ import annotations

import pytest

from tillid.errors import BrokerUnavailable
from tillid.runtime.drain import DrainFlag
from tillid.runtime.supervisor import (HEALTHY_SECONDS, MAX_FAILED_STARTS, STABLE_SECONDS, PartGaveUp, Supervisor,
                                      last_line)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakePart:
    def __init__(self, name: str, journal: list[str]) -> None:
        self.name = name
        self.journal = journal
        self.running = True
        self.starts = 0
        self.start_error: Exception | None = None

    def start(self) -> None:
        self.journal.append(f"start {self.name}")
        if self.start_error is not None:
            raise self.start_error
        self.starts += 1
        self.running = True

    def alive(self) -> bool:
        return self.running

    def why_stopped(self) -> str:
        return "killed by SIGKILL; last log line: boom"

    def stop(self, timeout: float = 15.0) -> None:
        self.journal.append(f"stop {self.name}")
        self.running = False


@pytest.fixture
def world():
    clock, journal, said = Clock(), [], []
    worker, api = FakePart("worker", journal), FakePart("api", journal)
    supervisor = Supervisor([worker, api], say=said.append, clock=clock)
    return clock, journal, said, worker, api, supervisor


def run_for(supervisor: Supervisor, clock: Clock, seconds: float, step: float = 0.5) -> None:
    end = clock.now + seconds
    while clock.now < end:
        supervisor.check()
        clock.now += step


def test_a_part_that_dies_is_started_again_after_a_second_with_a_line_saying_which_and_why(world):
    clock, journal, said, worker, api, supervisor = world
    clock.now = 100.0
    worker.running = False
    supervisor.check()
    assert worker.starts == 0
    assert "the worker stopped (killed by SIGKILL; last log line: boom); starting it again in 1 s" in said[-1]
    assert said[-1][:4].isdigit(), "the line says when"
    clock.now += 1.0
    supervisor.check()
    assert worker.starts == 1 and worker.alive() and api.starts == 0
    assert said[-1].endswith("the worker is running again")


def test_failed_starts_back_off_doubling_and_the_fifth_in_a_row_gives_up_in_one_line(world):
    clock, journal, said, worker, api, supervisor = world
    clock.now = 100.0
    delays = []
    with pytest.raises(PartGaveUp) as stopped:
        while True:
            worker.running = False  # dies at once after every start
            supervisor.check()
            delays.append(supervisor.watches["worker"].restart_at - clock.now)
            clock.now = supervisor.watches["worker"].restart_at
            supervisor.check()
    assert delays == [1, 2, 4, 8, 16]
    assert worker.starts == MAX_FAILED_STARTS
    assert str(stopped.value) == ("the worker failed to start 5 times in a row; last time: "
                                  "killed by SIGKILL; last log line: boom")


def test_a_part_that_keeps_dying_after_starting_waits_at_most_thirty_seconds_and_1_s_once_well(world):
    clock, journal, said, worker, api, supervisor = world
    watch = supervisor.watches["worker"]
    clock.now = 100.0
    delays = []
    for _ in range(8):
        worker.running = False  # dies after running a while, each time
        supervisor.check()
        delays.append(watch.restart_at - clock.now)
        clock.now = watch.restart_at
        supervisor.check()
        run_for(supervisor, clock, STABLE_SECONDS + 5)
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert worker.starts == 8, "a part that did start is never given up"
    run_for(supervisor, clock, HEALTHY_SECONDS)
    worker.running = False
    supervisor.check()
    assert watch.restart_at - clock.now == 1


def test_a_start_that_raises_counts_as_failed_and_is_tried_again(world):
    clock, journal, said, worker, api, supervisor = world
    clock.now = 100.0
    worker.running = False
    worker.start_error = BrokerUnavailable("port taken")
    supervisor.check()
    clock.now += 1
    supervisor.check()
    assert "could not start: port taken" in said[-1] and "again in 2 s" in said[-1]
    worker.start_error = None
    clock.now += 2
    supervisor.check()
    assert worker.alive()


def test_the_broker_restarts_before_its_dependent_which_starts_after_the_topics(world):
    clock, journal, said, worker, api, supervisor = world
    broker = FakePart("embedded broker", journal)
    supervisor = Supervisor([broker, worker, api], say=said.append, clock=clock)
    supervisor.depends(worker, on=broker, after_start=lambda: journal.append("topics"))
    clock.now = 100.0
    broker.running = False
    supervisor.check()
    clock.now += 1
    journal.clear()
    supervisor.check()
    assert journal == ["stop worker", "start embedded broker", "topics", "start worker"]
    assert said[-1].endswith("the worker started again after the embedded broker")
    supervisor.check()
    assert worker.starts == 1, "the dependent is not started twice"


def test_a_running_broker_restarted_on_purpose_stops_its_dependent_first_and_at_once(world):
    clock, journal, said, worker, api, supervisor = world
    broker = FakePart("embedded broker", journal)
    supervisor = Supervisor([broker, worker, api], say=said.append, clock=clock)
    supervisor.depends(worker, on=broker, after_start=lambda: journal.append("topics"))
    clock.now = 100.0
    supervisor.restart("embedded broker", "it holds 2000 MiB")
    assert journal == ["stop worker", "stop embedded broker", "start embedded broker", "topics", "start worker"]
    assert said[0].endswith("restarting the embedded broker: it holds 2000 MiB")
    journal.clear()
    run_for(supervisor, clock, 5)
    assert journal == [], "nothing else is restarted"


def test_the_last_log_line_leaves_out_terminal_control(tmp_path):
    log = tmp_path / "worker.log"
    log.write_text("first\n[ERROR] the reason\n\x1b[?25l\x08\x1b[?25h\n")
    assert last_line(log) == "[ERROR] the reason"
    assert last_line(tmp_path / "absent.log") is None


def test_the_drain_flag_names_a_living_process(tmp_path):
    flag = DrainFlag(tmp_path)
    assert not flag.is_raised()
    flag.raise_()
    assert flag.is_raised()
    flag.lower()
    assert not flag.is_raised()
    (tmp_path / "draining").write_text("999999999")
    assert not flag.is_raised(), "a flag whose process is gone is lowered"
