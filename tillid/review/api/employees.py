"""A person's data: every read is written to the audit log in the same transaction."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from tillid.review import actions, queries
from tillid.review.api.models import Employee, PathId, RotationInterest, Suggestion, refusals
from tillid.review.audit import audited, audited_suggestions, purpose_of
from tillid.review.auth import Principal, not_found, require
from tillid.review.database import transaction

router = APIRouter(tags=["employees"])

PERSONAL_READERS = ("admin", "committee", "employee")


async def check_person_access(conn, principal: Principal, employee_id: str) -> None:
    """Admin, the employee, or the committee over the employee's workplace may read; others get 404."""
    exists, committee_id = await queries.employee_committee(conn, employee_id)
    allowed = principal.is_admin or principal.is_employee(employee_id) or (
        committee_id is not None and principal.is_committee(committee_id))
    if not exists or not allowed:
        raise not_found(f"employee {employee_id}")


@router.get("/employees/{employee_id}", response_model=Employee, responses=refusals(401, 403, 404, 422, 503))
async def get_employee(employee_id: PathId, request: Request,
                       principal: Principal = Depends(require(*PERSONAL_READERS))):
    async with transaction(request) as conn:
        await check_person_access(conn, principal, employee_id)
        await audited(conn, principal, employee_id, "read employee", "GET /api/employees/{employee_id}",
                      purpose_of(principal))
        person = await queries.employee(conn, employee_id)
        await audited_suggestions(conn, principal, employee_id, person["open_suggestions"] if person else [],
                                  "GET /api/employees/{employee_id}")
        return person


@router.get("/employees/{employee_id}/suggestions", response_model=list[Suggestion],
            responses=refusals(401, 403, 404, 422, 503))
async def get_suggestions(employee_id: PathId, request: Request,
                          principal: Principal = Depends(require(*PERSONAL_READERS))):
    """The employee's upskilling and rotation suggestions with explanations, newest first."""
    async with transaction(request) as conn:
        await check_person_access(conn, principal, employee_id)
        await audited(conn, principal, employee_id, "read suggestions",
                      "GET /api/employees/{employee_id}/suggestions", purpose_of(principal))
        suggestions = await queries.suggestions_of(conn, employee_id)
        await audited_suggestions(conn, principal, employee_id, suggestions,
                                  "GET /api/employees/{employee_id}/suggestions")
        return suggestions


@router.put("/employees/{employee_id}/rotation-interest", response_model=RotationInterest,
            responses=refusals(401, 403, 404, 422, 503))
async def put_rotation_interest(employee_id: PathId, body: RotationInterest, request: Request,
                                principal: Principal = Depends(require("employee"))):
    """The employee's rotation preferences (that employee only); publishes RotationInterestExpressed."""
    async with transaction(request) as conn:
        await check_person_access(conn, principal, employee_id)
        return await actions.express_rotation_interest(
            conn, principal, employee_id, body.ranked_slot_ids, body.available_from, body.max_weeks,
            "PUT /api/employees/{employee_id}/rotation-interest")
