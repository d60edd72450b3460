"""The labels of what proposals name, read from the store: each kind by its id, nothing for other strings."""

import pytest

from tillid.competence.labels import Kind
from tillid.store.labels import labels_of_records, labels_named
from tillid.store.projection.projector import Projector
from tests.integration.store.scenario import employee, envelopes, organisation

pytestmark = pytest.mark.services


async def test_the_store_labels_tasks_professions_workplaces_organisations_and_skills(db):
    await Projector().apply(db, envelopes(organisation() + employee("e1")))
    labels = await labels_named(db, ["oejendraaber", "sygeplejerske", "wp-a", "org-a", "dk:saarbehandling",
                                     "e1", "fri tekst"])
    assert labels.name(Kind.TASK, "oejendraaber", "en") == "Eye drops"
    assert labels.name(Kind.PROFESSION, "sygeplejerske", "da") == "Sygeplejerske"
    assert labels.name(Kind.WORKPLACE, "wp-a", "en") == "Plejecenter A"  # one name: the other language's
    assert labels.name(Kind.ORGANISATION, "org-a", "da") == "Kommune A"
    assert labels.name(Kind.SKILL, "dk:saarbehandling", "da") == "sårbehandling"
    assert labels.knows("e1") is None and labels.knows("fri tekst") is None  # employees stay pseudonymous ids


async def test_the_labels_of_a_proposal_are_those_of_every_id_it_names_anywhere(db):
    await Projector().apply(db, envelopes(organisation()))
    proposal = {"summary_da": "…", "explanation": {"demand": [{"task": "oejendraaber"}],
                                                   "qualified_here": {"sygeplejerske": 1}}}
    labels = await labels_of_records(db, proposal, None)
    assert labels.any_name("oejendraaber", "da") == "Øjendråber"
    assert labels.any_name("sygeplejerske", "en") == "Nurse"
