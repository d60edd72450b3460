"""POST /api/events with hr: tokens bound to organisations and a source, on the real store and broker.

The world (tests/integration/review/world.py): org-a has wp-a (committee med-a) with e1 and e2, org-b has
wp-b (committee med-b) with e9. A refused request publishes nothing, not even its acceptable events.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.review import world
from tests.integration.review.conftest import auth
from tests.integration.review.test_events import read_topic
from tests.integration.store.scenario import employee, event, organisation

pytestmark = pytest.mark.services

SOURCE = "sd-loen"


async def hr_token(client, organisations: list[str], source: str = SOURCE) -> str:
    answer = await client.post("/api/tokens", json={"role": f"hr:{source}", "organisations": organisations},
                               headers=auth(world.ADMIN))
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def from_hr(*events: dict) -> list[dict]:
    return [{**e, "source": SOURCE} for e in events]


def workplace(workplace_id: str, org: str, committee: str) -> dict:
    return event("WorkplaceUpserted", f"{workplace_id}-{org}-{committee}", workplace_id=workplace_id, name="W",
                 sector="region", organisation_id=org, organisation_name="O", committee_id=committee)


async def post(client, token: str, events: list[dict]):
    return await client.post("/api/events", json=events, headers=auth(token))


def refused_fields(answer) -> list[str]:
    assert answer.status_code == 403, answer.text
    return [p["field"] for p in answer.json()["detail"]]


async def published(settings, topic: str, expected: int = 0) -> list[str]:
    """The event ids on the topic, once ``expected`` of them arrived (or it timed out)."""
    return [json.loads(r.value)["event_id"] for r in await read_topic(settings, topic, expected)]


async def test_hr_token_of_one_organisation_may_not_erase_another_organisations_employee(
        client, tokens, settings):
    token = await hr_token(client, ["org-a"])
    own, other = (event("EmployeeErased", f"erase-{e}", employee_id=e) for e in ("e1", "e9"))
    answer = await post(client, token, from_hr(own, other))
    assert refused_fields(answer) == ["1.payload.employee_id"]
    assert "org-b" in answer.json()["detail"][0]["problem"]
    assert await published(settings, "hr.employees") == []  # not even the erasure it may send
    accepted = await post(client, token, from_hr(own))
    assert accepted.status_code == 202, accepted.text
    assert await published(settings, "hr.employees", 1) == [own["event_id"]]


async def test_moving_another_organisations_workplace_to_another_committee_is_refused(client, tokens, settings):
    token = await hr_token(client, ["org-a"])
    as_it_is = await post(client, token, from_hr(workplace("wp-b", "org-b", "med-a")))
    assert refused_fields(as_it_is) == ["0.payload.organisation_id", "0.payload.workplace_id"]
    claimed = await post(client, token, from_hr(workplace("wp-b", "org-a", "med-a")))
    assert refused_fields(claimed) == ["0.payload.workplace_id"]
    assert await published(settings, "org.structure") == []
    both = await hr_token(client, ["org-a", "org-b"])
    assert (await post(client, both, from_hr(workplace("wp-b", "org-a", "med-a")))).status_code == 202


async def test_events_of_another_source_are_refused(client, tokens, settings):
    token = await hr_token(client, ["*"])
    answer = await post(client, token, employee("e1"))  # source "test"
    assert refused_fields(answer) == ["0.source", "1.source"]
    assert await published(settings, "hr.employees") == []


async def test_professions_need_the_national_scope(client, tokens, settings):
    profession = organisation()[1]
    answer = await post(client, await hr_token(client, ["org-a"]), from_hr(profession))
    assert refused_fields(answer) == ["0.type"]
    assert await published(settings, "org.structure") == []
    assert (await post(client, await hr_token(client, ["*"]), from_hr(profession))).status_code == 202


async def test_an_employee_moved_to_another_organisations_workplace_needs_both(client, tokens, settings):
    moved = from_hr(employee("e1", workplace="wp-b")[0])
    assert refused_fields(await post(client, await hr_token(client, ["org-a"]), moved)) == ["0.payload.workplace_id"]
    assert refused_fields(await post(client, await hr_token(client, ["org-b"]), moved)) == ["0.payload.employee_id"]
    assert await published(settings, "hr.employees") == []
    assert (await post(client, await hr_token(client, ["org-a", "org-b"]), moved)).status_code == 202


async def test_a_workplace_established_earlier_in_the_request_counts(client, tokens, settings):
    token = await hr_token(client, ["org-a"])
    new_people = from_hr(*employee("e50", workplace="wp-new"))
    alone = await post(client, token, new_people)
    assert refused_fields(alone) == ["0.payload.workplace_id", "1.payload.employee_id"]
    assert "not known" in alone.json()["detail"][0]["problem"]
    answer = await post(client, token, from_hr(workplace("wp-new", "org-a", "med-a")) + new_people)
    assert answer.status_code == 202, answer.text
    assert len(await published(settings, "hr.employees", 1)) == 1


async def test_no_role_may_post_what_tillid_publishes_itself(client, tokens, settings):
    decided = event("ProposalDecided", "forged", proposal_id="p", by="committee", decision="approved", comment="",
                    decided_at="2026-11-23T10:00:00Z")
    answered = event("SuggestionAnswered", "forged-answer", suggestion_id="s", employee_id="e1",
                     response="accepted", comment="", answered_at="2026-11-23T10:00:00Z")
    for token in (tokens["admin"], await hr_token(client, ["*"])):
        answer = await post(client, token, [organisation()[0], decided, answered])
        assert refused_fields(answer) == ["1.type", "2.type"]
    assert await published(settings, "decisions") == [] and await published(settings, "org.structure") == []


async def test_admin_tokens_keep_full_scope(client, tokens):
    answer = await post(client, tokens["admin"], [workplace("wp-b", "org-a", "med-a"), organisation()[1]])
    assert answer.status_code == 202, answer.text
