"""Gap analysis."""

from __future__ import annotations

from tillid.matching.upskilling import SkillGap, combine_targets, skill_gaps


def test_gap_lists_missing_skills_and_levels_sorted():
    gaps = skill_gaps({"medicin": 2, "saar": 4}, {"saar": 3, "medicin": 3, "digital_medicinmodul": 2})
    assert gaps == (SkillGap("digital_medicinmodul", 0, 2), SkillGap("medicin", 2, 3))
    assert [g.levels_missing for g in gaps] == [2, 1]


def test_targets_from_a_task_and_a_change_combine_to_the_highest_level_per_skill():
    task = {"medicin": 2}
    change = {"medicin": 3, "digital_medicinmodul": 2}
    assert combine_targets([task, change]) == (("digital_medicinmodul", 2), ("medicin", 3))
    assert skill_gaps({"medicin": 3, "digital_medicinmodul": 2}, dict(combine_targets([task, change]))) == ()
