"""Mentor matching for peer training."""

from __future__ import annotations

from tillid.matching.upskilling.mentors import Colleague, MentorRequest, match_mentors, rank_mentors


def colleague(id, workplace, skills, max_trainees=1, current=0):
    return Colleague(id, workplace, tuple(sorted(skills.items())), max_trainees, current)


def request(trainee, workplace, skills, skill="medicin"):
    return MentorRequest(trainee, workplace, tuple(sorted(skills.items())), skill)


TRAINEE_SKILLS = {"medicin": 1, "saar": 3, "demens": 2}


def test_only_colleagues_at_level_4_or_more_and_same_workplace_first():
    colleagues = [
        colleague("m-level3", "wp1", {"medicin": 3, "saar": 3, "demens": 2}),
        colleague("m-other", "wp2", {"medicin": 5, "saar": 3, "demens": 2}),
        colleague("m-here", "wp1", {"medicin": 4, "jura": 5}),
    ]
    ranked = rank_mentors(request("t1", "wp1", TRAINEE_SKILLS), colleagues)
    assert [m.mentor for m in ranked] == ["m-here", "m-other"]
    assert ranked[0].same_workplace and not ranked[1].same_workplace


def test_more_similar_competence_profile_ranks_higher():
    colleagues = [
        colleague("far", "wp1", {"medicin": 4, "jura": 5, "it": 5}),
        colleague("near", "wp1", {"medicin": 4, "saar": 3, "demens": 2}),
    ]
    ranked = rank_mentors(request("t1", "wp1", TRAINEE_SKILLS), colleagues)
    assert [m.mentor for m in ranked] == ["near", "far"]
    assert ranked[0].similarity > ranked[1].similarity


def test_a_mentor_is_never_proposed_for_more_trainees_than_they_can_take():
    colleagues = [
        colleague("busy", "wp1", {"medicin": 5}, max_trainees=3, current=2),
        colleague("free", "wp2", {"medicin": 4}, max_trainees=1),
    ]
    requests = [request(f"t{i}", "wp1", TRAINEE_SKILLS) for i in range(4)]
    matches = match_mentors(requests, colleagues)
    mentors = [m.mentor for m in matches]
    assert mentors.count("busy") == 1 and mentors.count("free") == 1 and mentors.count(None) == 2
    assert [m.trainee for m in matches] == ["t0", "t1", "t2", "t3"]
    assert all(m.reason for m in matches)


def test_matching_keeps_the_same_workplace_mentor_for_the_trainee_who_has_one():
    colleagues = [colleague("a", "wp1", {"medicin": 4}), colleague("b", "wp2", {"medicin": 4})]
    matches = match_mentors([request("t1", "wp2", TRAINEE_SKILLS), request("t2", "wp1", TRAINEE_SKILLS)], colleagues)
    assert {(m.trainee, m.mentor) for m in matches} == {("t1", "b"), ("t2", "a")}
    assert all(m.same_workplace for m in matches)


def test_nobody_mentors_themselves_and_results_do_not_depend_on_input_order():
    colleagues = [colleague("t1", "wp1", {"medicin": 5}), colleague("x", "wp1", {"medicin": 4}, 2),
                  colleague("y", "wp1", {"medicin": 4}, 2)]
    requests = [request("t1", "wp1", {"medicin": 5}, "medicin"), request("t2", "wp1", TRAINEE_SKILLS)]
    first = match_mentors(requests, colleagues)
    assert all(m.mentor != m.trainee for m in first)
    assert first == match_mentors(list(reversed(requests)), list(reversed(colleagues)))
