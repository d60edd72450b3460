"""Fund refunds: share, yearly cap counting this year's receipts, budget left, kinds, professions, sectors,
job rotation, net cost."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillid.matching.upskilling.funds import (
    JOBROTATION,
    Fund,
    FundingContext,
    SearchRefunds,
    StepCost,
    activity_refund,
    fund_path,
    group_by_refunds,
    received_from,
)

KOMMUNAL = Fund("kommunal", "Den Kommunale Kompetencefond", ("municipality",), ("fee",), 0.8, 30_000.0)
STATE = Fund("statens", "Statens Kompetencefond", ("state",), ("fee",), 1.0, 25_000.0, kinds=("course",))


def course(fee, hours=0.0, cover=0.0, kind="course", activity="a"):
    return StepCost(activity, kind, fee, hours, cover)


def municipal(*funds, profession="ssa", rate=0.0):
    return FundingContext("municipality", profession, funds or (KOMMUNAL,), jobrotation_dkk_per_hour=rate)


def test_share_of_the_fee_is_refunded_and_the_rest_is_the_net_cost():
    paid = fund_path([course(10_000.0)], municipal())
    assert (paid.gross_dkk, paid.refund_dkk, paid.net_dkk) == (10_000.0, 8_000.0, 2_000.0)
    assert [(r.source, r.amount_dkk) for r in paid.refunds] == [("kommunal", 8_000.0)]


def test_yearly_cap_counts_what_the_person_already_received_and_earlier_steps():
    paid = fund_path([course(20_000.0, activity="a"), course(20_000.0, activity="b")], municipal(),
                     received_this_year={"kommunal": 10_000.0})
    assert [s.refund_dkk for s in paid.steps] == [16_000.0, 4_000.0]
    assert paid.net_dkk == 20_000.0


def test_budget_left_is_shared_over_employees():
    fund = Fund("lille", "Lille fond", ("municipality",), ("fee",), 0.5, 1e6, budget_dkk=7_000.0)
    budgets: dict[str, Fraction] = {}
    first = fund_path([course(10_000.0)], municipal(fund), budgets_left=budgets)
    second = fund_path([course(10_000.0)], municipal(fund), budgets_left=budgets)
    assert (first.refund_dkk, second.refund_dkk) == (5_000.0, 2_000.0)
    assert budgets == {"lille": 0}


def test_kinds_professions_and_sectors_decide_who_pays():
    state = FundingContext("state", "hk", (KOMMUNAL, STATE))
    assert fund_path([course(5_000.0)], state).refund_dkk == 5_000.0
    assert fund_path([course(5_000.0, kind="e_learning")], state).refund_dkk == 0.0
    assert fund_path([course(5_000.0)], FundingContext("region", "ssa", (KOMMUNAL, STATE))).refund_dkk == 0.0
    nurses = Fund("syg", "Sygeplejerskers fond", ("municipality",), ("fee",), 0.5, 1e6, professions=("sygeplejerske",))
    assert fund_path([course(1_000.0)], municipal(nurses, profession="ssa")).refund_dkk == 0.0
    assert fund_path([course(1_000.0)], municipal(nurses, profession="sygeplejerske")).refund_dkk == 500.0


def test_job_rotation_refunds_hours_of_cover_and_funds_share_what_is_left():
    covers_cover = Fund("both", "Fond", ("municipality",), ("fee", "cover"), 0.5, 1e6)
    paid = fund_path([course(1_000.0, hours=10.0, cover=3_000.0)], municipal(covers_cover, rate=189.51))
    jobrotation, fund = paid.refunds[1], paid.refunds[0]
    assert (jobrotation.source, jobrotation.amount_dkk) == (JOBROTATION, 1_895.1)
    assert fund.amount_dkk == pytest.approx(0.5 * (1_000.0 + 3_000.0 - 1_895.1), abs=0.01)
    assert paid.net_dkk == pytest.approx(4_000.0 - 1_895.1 - fund.amount_dkk, abs=0.01)


def test_job_rotation_never_exceeds_the_cover():
    paid = fund_path([course(0.0, hours=10.0, cover=1_000.0)], municipal(rate=189.51))
    assert paid.refund_dkk == 1_000.0 and paid.net_dkk == 0.0


def test_job_rotation_is_for_courses_only():
    for kind in ("e_learning", "peer_training"):
        paid = fund_path([course(0.0, hours=10.0, cover=3_000.0, kind=kind)], municipal(rate=189.51))
        assert paid.refund_dkk == 0.0 and paid.net_dkk == 3_000.0


def test_what_was_received_this_year_and_a_single_step_refund():
    done = [course(20_000.0, activity="x"), course(20_000.0, activity="y")]
    assert received_from(done, municipal()) == {"kommunal": 30_000.0}
    assert activity_refund(course(10_000.0), municipal()) == 8_000.0


def test_a_single_step_refund_counts_what_was_received_this_year():
    assert activity_refund(course(10_000.0), municipal(), {"kommunal": 25_000.0}) == 5_000.0
    assert activity_refund(course(10_000.0), municipal(), {"kommunal": 30_000.0}) == 0.0


def test_search_refunds_count_the_cap_left_and_people_far_from_it_share_them():
    steps = [course(10_000.0, activity="a"), course(40_000.0, activity="b"), course(0.0, kind="e_learning",
                                                                                       activity="c")]
    refunds = SearchRefunds(steps, municipal())
    assert refunds.for_received({}) == {"a": 8_000.0, "b": 30_000.0}
    assert refunds.for_received({"kommunal": 1_000.0}) == {"a": 8_000.0, "b": 29_000.0}
    assert refunds.for_received({"kommunal": 30_000.0}) == {}



def test_people_share_a_search_when_their_refunds_differ_only_on_what_their_targets_cannot_use():
    steps = [course(10_000.0, activity="a"), course(40_000.0, activity="b")]
    received = {"far": {"kommunal": 1_000.0}, "nobody": {}, "none": {"kommunal": 0.0}, "a-only": {"kommunal": 25_000.0},
                "full": {"kommunal": 30_000.0}, "over": {"kommunal": 31_000.0}, "b-only": {"kommunal": 1_000.0}}
    relevant = {"far": {"a", "b"}, "nobody": {"a", "b"}, "none": {"a", "b"}, "a-only": {"a"}, "full": {"a", "b"},
                "over": {"a", "b"}, "b-only": {"b"}}
    groups = group_by_refunds(received, relevant, SearchRefunds(steps, municipal()))
    assert groups == [({"a": 8_000.0, "b": 29_000.0}, ["far", "b-only"]),
                      ({"a": 8_000.0, "b": 30_000.0}, ["nobody", "none"]),
                      ({"a": 5_000.0, "b": 30_000.0}, ["a-only"]),
                      ({}, ["full", "over"])]


FUNDS = st.builds(
    Fund, st.sampled_from(["f1", "f2", "f3"]), st.just("Fond"), st.just(("municipality",)),
    st.sampled_from([("fee",), ("cover",), ("fee", "cover")]), st.sampled_from([0.25, 0.5, 0.8, 1.0]),
    st.sampled_from([0.0, 1_000.0, 5_000.0, 30_000.0]), kinds=st.sampled_from([None, ("course",)]),
    budget_dkk=st.sampled_from([None, 0.0, 2_500.0]))
STEPS = st.lists(st.builds(StepCost, st.sampled_from(["a", "b", "c", "d"]),
                           st.sampled_from(["course", "e_learning"]), st.sampled_from([0.0, 1_200.0, 9_999.99]),
                           st.sampled_from([0.0, 7.0]), st.sampled_from([0.0, 1_995.0, 4_000.5])),
                 min_size=1, max_size=4, unique_by=lambda s: s.activity_id)


@settings(max_examples=300, deadline=None)
@given(funds=st.lists(FUNDS, max_size=3, unique_by=lambda f: f.fund_id), steps=STEPS,
       received=st.dictionaries(st.sampled_from(["f1", "f2", "f3", "other"]),
                                st.sampled_from([0.0, 0.01, 999.99, 1_000.0, 4_000.0, 29_000.0, 40_000.0])),
       rate=st.sampled_from([0.0, 189.51]))
def test_search_refunds_are_each_step_alone_for_what_the_person_received(funds, steps, received, rate):
    """The shortcut (recompute only steps where a fund's refund alone exceeds the cap left) changes nothing."""
    context = municipal(*funds, rate=rate) if funds else FundingContext("municipality", "ssa", (),
                                                                        jobrotation_dkk_per_hour=rate)
    alone = {s.activity_id: activity_refund(s, context, received) for s in steps}
    assert SearchRefunds(steps, context).for_received(received) == {a: r for a, r in alone.items() if r > 0}
