"""Fund refunds: share, yearly cap counting this year's receipts, budget left, kinds, professions, sectors,
job rotation, net cost."""

from fractions import Fraction

import pytest

from tillid.matching.upskilling.funds import (
    JOBROTATION,
    Fund,
    FundingContext,
    StepCost,
    activity_refund,
    fund_path,
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
