"""The demo organisation meets the event contract, event by event."""

from collections import Counter

from tillid.competence.demo import generate_events
from tillid.competence.events import INPUT_TOPICS, TOPICS, validate


def test_every_demo_event_validates_and_every_input_type_appears():
    types = Counter(validate(event).type for event in generate_events(seed=3, scale=0.05))
    input_types = {t for topic in INPUT_TOPICS for t in TOPICS[topic]}
    assert input_types <= set(types)


def test_a_workplace_demand_above_one_persons_week_is_valid(valid_events):
    demand = next(e for e in valid_events if e["type"] == "TaskDemandChanged")
    demand = {**demand, "payload": {**demand["payload"], "hours_per_week": 1250.0}}
    assert validate(demand).payload["hours_per_week"] == 1250.0
