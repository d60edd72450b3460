"""The publisher's progress lines: a long publish says how far it has come, not on every event."""

from tillid.streams.producer import PublishProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_said_once_per_interval_with_the_count_and_rate():
    clock, lines = Clock(), []
    progress = PublishProgress(lines.append, every_seconds=5, clock=clock)
    for count in range(1, 1001):
        clock.now += 0.01  # 1,000 events in 10 s: 100 events/s
        progress.sent(count)
    assert lines == ["published 500 events so far (100 events/s)", "published 1,000 events so far (100 events/s)"]


def test_a_publish_shorter_than_the_interval_says_nothing():
    clock, lines = Clock(), []
    progress = PublishProgress(lines.append, every_seconds=5, clock=clock)
    for count in range(1, 100):
        clock.now += 0.01
        progress.sent(count)
    assert lines == []
