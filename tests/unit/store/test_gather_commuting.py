"""Which events the projector may regroup into one run per type, and which it must keep in place."""

from types import SimpleNamespace

from tillid.store.projection.handlers import PROJECTIONS
from tillid.store.projection.projector import gather_commuting


def _events(*types: str) -> list:
    return [SimpleNamespace(type=t, n=i) for i, t in enumerate(types)]


def test_a_stretch_of_commuting_events_becomes_one_run_per_type_in_first_seen_order():
    events = _events("CompetenceAssessed", "CourseCompleted", "CompetenceAssessed", "TaskAssignmentReported",
                     "CourseCompleted", "CompetenceAssessed")
    gathered = gather_commuting(events)
    assert [(e.type, e.n) for e in gathered] == [
        ("CompetenceAssessed", 0), ("CompetenceAssessed", 2), ("CompetenceAssessed", 5),
        ("CourseCompleted", 1), ("CourseCompleted", 4), ("TaskAssignmentReported", 3)]


def test_an_event_that_does_not_commute_stays_where_it_is_and_bounds_the_stretches():
    events = _events("CompetenceAssessed", "EmployeeUpserted", "CourseCompleted", "CompetenceAssessed",
                     "EmployeeLeft", "CompetenceAssessed", "TaskAssignmentReported", "CompetenceAssessed")
    gathered = [e.n for e in gather_commuting(events)]
    assert gathered == [0, 1, 2, 3, 4, 5, 7, 6]


def test_commuting_types_provide_no_referent():
    # Regrouping never moves an event ahead of what it needs only if no commuting event provides anything.
    for name, projection in PROJECTIONS.items():
        if projection.commutes:
            assert projection.provides({"employee_id": "e", "workplace_id": "w", "task_id": "t"}) == (), name
