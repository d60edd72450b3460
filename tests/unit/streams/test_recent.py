import pytest

from tillid.streams.recent import Recent


def test_keeps_at_most_its_capacity_and_forgets_the_least_recent():
    recent: Recent[str, int] = Recent(2)
    recent["a"] = 1
    recent["b"] = 2
    recent["c"] = 3
    assert len(recent) == 2 and "a" not in recent and recent.get("b") == 2 and recent.get("c") == 3


def test_reading_an_entry_keeps_it():
    recent: Recent[str, int] = Recent(2)
    recent["a"] = 1
    recent["b"] = 2
    assert recent.get("a") == 1
    recent["c"] = 3
    assert "a" in recent and "b" not in recent


def test_setting_an_entry_again_keeps_it_and_replaces_its_value():
    recent: Recent[str, int] = Recent(2)
    recent["a"] = 1
    recent["b"] = 2
    recent["a"] = 10
    recent["c"] = 3
    assert recent.get("a") == 10 and "b" not in recent


def test_pop_removes_and_returns_the_entry():
    recent: Recent[str, int] = Recent(3)
    recent["a"] = 1
    assert recent.pop("a") == 1 and recent.pop("a") is None and len(recent) == 0


def test_a_capacity_below_one_is_refused():
    with pytest.raises(ValueError):
        Recent(0)
