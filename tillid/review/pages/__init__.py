"""Server-rendered pages: login, the committee queue, its proposals and agenda, the employee's /me, and their forms.

The pages use the same roles, scope rules, audit and actions as the API;
forms carry a CSRF token and answer with a redirect (post/redirect/get).

May import (as all of ``tillid.review``): ``tillid.competence``,
``tillid.matching``, ``tillid.store``, ``tillid.runtime``, ``tillid.errors``,
``tillid.config`` and ``tillid.kafka_security``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from tillid.errors import DatabaseUnavailable, InvalidInput
from tillid.review import actions, plots, queries
from tillid.review.audit import audited, audited_proposals, audited_suggestions, purpose_of
from tillid.review.auth import Principal, principal_of_token
from tillid.review.database import connection, transaction
from tillid.review.pages import present, queue
from tillid.review.pages.csrf import check_login_csrf, login_csrf_token, remember_login_csrf
from tillid.review.pages.session import (LoginRequired, PageError, check_csrf, csrf_token, page_principal,
                                         remember_language, session_id, sign_in, sign_out, texts)
from tillid.store import answers
from tillid.store import queue as store_queue
from tillid.store.labels import labels_of_records
from tillid.store.queue import QUEUE_KINDS, QUEUE_SORTS, QUEUE_STATUSES

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(label=present.label, scalar=present.scalar, effect_items=present.effect_items,
                             summary=present.summary, plain_reason=present.plain_reason,
                             audit_action=present.audit_action, skill_label=present.skill_label,
                             headline=queue.headline, age_days=queue.age_days, tree_html=present.tree_html,
                             effect_figures=queue.effect_figures, tree_entries=present.tree_entries,
                             name_of=present.name_of)
router = APIRouter(include_in_schema=False)
MAX_COMMENT = 2000
RANK_CHOICES = 3
HISTORY_LENGTH = 10
MANY_PEOPLE = 12  # a proposal page folds its list of people away (<details>) from this many on


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    t = context.pop("t", None) or texts(request)
    session = session_id(request)
    response = templates.TemplateResponse(request, template, {
        "t": t, "csrf": csrf_token(session) if session else "", "path": request.url.path,
        "switch_url": f"{request.url.path}?{urlencode({'lang': t.other_lang})}", **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return remember_language(request, response)


def home_of(principal: Principal) -> str | None:
    if principal.kind == "committee":
        return f"/committee/{quote(principal.scope, safe='')}"
    if principal.kind == "employee":
        return "/me"
    if principal.kind == "admin":
        return "/committees"
    return None


def _comment(value: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > MAX_COMMENT:
        raise PageError(422, "error_invalid", f"comment: at most {MAX_COMMENT} characters")
    return value


# --- sign in and out ----------------------------------------------------------------

@router.get("/")
async def index(request: Request):
    try:
        principal = await page_principal(request)
    except LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(principal) or "/login", status_code=303)


def login_page(request: Request, status: int = 200, **context: Any) -> Response:
    csrf = login_csrf_token(request)
    return remember_login_csrf(request, render(request, "login.html", status, csrf=csrf, **context), csrf)


@router.get("/login")
async def login_form(request: Request):
    return login_page(request, failed=False)


@router.post("/login")
async def login(request: Request, token: str = Form("", max_length=500), csrf: str = Form("")):
    check_login_csrf(request, csrf)
    token = token.strip()
    async with connection(request) as conn:
        principal = await principal_of_token(conn, token, request.app.state.settings.admin_token)
    if principal is None:
        return login_page(request, status=401, failed=True)
    home = home_of(principal)
    if home is None:
        return login_page(request, status=403, failed=False, no_pages=True)
    return await sign_in(request, RedirectResponse(home, status_code=303), token)


@router.post("/logout")
async def logout(request: Request, csrf: str = Form("")):
    check_csrf(request, csrf)
    return await sign_out(request, RedirectResponse("/login", status_code=303))


@router.get("/committees")
async def committee_list(request: Request):
    principal = await page_principal(request)
    if not principal.is_admin:
        raise PageError(403, "error_forbidden")
    async with connection(request) as conn:
        found = await queries.committees(conn)
    return render(request, "committees.html", principal=principal, committees=found)


# --- the committee ----------------------------------------------------------------

async def _committee_principal(request: Request, committee_id: str) -> Principal:
    principal = await page_principal(request)
    if not (principal.is_admin or principal.is_committee(committee_id)):
        raise PageError(404, "error_not_found")
    return principal


async def _known_committee(conn, principal: Principal, committee_id: str) -> None:
    """An admin may open any committee's pages, but only of a committee that exists (404 otherwise)."""
    if principal.is_admin and not await queries.committee_exists(conn, committee_id):
        raise PageError(404, "error_not_found")


@router.get("/committee/{committee_id}")
async def committee_page(request: Request, committee_id: str, done: str | None = None, kind: str = "",
                         workplace: str = "", status: str = "", sort: str = "", page: str = ""):
    """The queue: totals of the chosen proposals, the plots, one row per proposal (a page of them), the last
    decisions. Rows show counts, never people, so this page audits nobody; the proposal page does."""
    principal = await _committee_principal(request, committee_id)
    asked = queue.queue_request(committee_id, kind, workplace, status, sort, page)
    t = texts(request)
    async with transaction(request) as conn:
        await _known_committee(conn, principal, committee_id)
        totals = await store_queue.totals(conn, asked.chosen)
        pages = queue.page_count(totals.proposals)
        shown = await store_queue.rows(conn, asked.chosen, sort=asked.sort, limit=queue.PAGE_SIZE,
                                       offset=(min(asked.page, pages) - 1) * queue.PAGE_SIZE)
        history = await store_queue.recent_decisions(conn, committee_id, HISTORY_LENGTH)
        scopes = await store_queue.scopes_of_committee(conn, committee_id)
        acceptance = await answers.acceptance_rates(conn)
        t = t.with_labels(await labels_of_records(conn, shown, history, scopes, acceptance))
    message = t.fmt("decided", decision=t.get(f"decision_{done}", done)) if done in (
        "approved", "rejected", "amended") else None
    return render(request, "committee.html", t=t, principal=principal, committee_id=committee_id,
                  totals=totals, rows=shown, asked=asked, pages=pages, page=min(asked.page, pages),
                  scopes=scopes, history=history, message=message, plot_days=plots.EFFECT_DAYS,
                  min_people=plots.MIN_PEOPLE, acceptance=acceptance, quoted=quote(committee_id, safe=""),
                  kinds=QUEUE_KINDS, statuses=QUEUE_STATUSES, sorts=QUEUE_SORTS, now=dt.datetime.now(dt.timezone.utc))


@router.get("/committee/{committee_id}/proposals/{proposal_id}")
async def proposal_page(request: Request, committee_id: str, proposal_id: str):
    """One proposal: its summary, effect, items and people (audited), explanation and the decision form."""
    principal = await _committee_principal(request, committee_id)
    t = texts(request)
    async with transaction(request) as conn:
        await _known_committee(conn, principal, committee_id)
        proposal = await queries.proposal(conn, proposal_id)
        if proposal is None or proposal["committee_id"] != committee_id:
            raise PageError(404, "error_not_found")
        await audited_proposals(conn, principal, [proposal], "viewed on proposal page",
                                "GET /committee/{committee_id}/proposals/{proposal_id}")
        professions = await queries.professions_of(conn, proposal["employee_ids"])
        scope_label = await store_queue.scope_label(conn, proposal["scope"])
        t = t.with_labels(await labels_of_records(conn, proposal, professions))
    return render(request, "proposal.html", t=t, principal=principal, committee_id=committee_id, p=proposal,
                  professions=professions, scope_label=scope_label, quoted=quote(committee_id, safe=""),
                  decidable=proposal["status"] in queries.DECIDABLE_STATUSES, many_people=MANY_PEOPLE)


@router.get("/committee/{committee_id}/agenda")
async def agenda_page(request: Request, committee_id: str, kind: str = "", workplace: str = ""):
    """The printable agenda: totals, then every pending proposal (of the chosen kind and workplace) with its
    summary, effect and items; the people the items name are shown by id and profession, and audited."""
    principal = await _committee_principal(request, committee_id)
    asked = queue.queue_request(committee_id, kind, workplace, "pending", "oldest", "")
    t = texts(request)
    async with transaction(request) as conn:
        await _known_committee(conn, principal, committee_id)
        totals = await store_queue.totals(conn, asked.chosen)
        agenda = await store_queue.documents(conn, asked.chosen, sort=asked.sort)
        await audited_proposals(conn, principal, agenda, "viewed in committee agenda",
                                "GET /committee/{committee_id}/agenda")
        professions = await queries.professions_of(conn, sorted({e for p in agenda for e in p["employee_ids"]}))
        t = t.with_labels(await labels_of_records(conn, agenda, professions))
    return render(request, "agenda.html", t=t, principal=principal, committee_id=committee_id, totals=totals,
                  agenda=agenda, professions=professions, quoted=quote(committee_id, safe=""),
                  today=dt.date.today())


@router.get("/committee/{committee_id}/queue.csv")
async def queue_csv(request: Request, committee_id: str, kind: str = "", workplace: str = "", status: str = "",
                    sort: str = ""):
    """The queue as CSV, one line per proposal (every page), with the queue's filters; counts, no people."""
    principal = await _committee_principal(request, committee_id)
    asked = queue.queue_request(committee_id, kind, workplace, status, sort, "")
    async with transaction(request) as conn:
        await _known_committee(conn, principal, committee_id)
        found = await store_queue.rows(conn, asked.chosen, sort=asked.sort)
    filename = queue.csv_filename(committee_id, dt.date.today().isoformat())
    return Response(queue.queue_csv(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@router.post("/committee/{committee_id}/proposals/{proposal_id}/decision")
async def committee_decide(request: Request, committee_id: str, proposal_id: str, decision: str = Form(""),
                           comment: str = Form(""), csrf: str = Form(""), keep: list[str] = Form([])):
    """The decision form: approve or reject the whole proposal, or amend it to the items left ticked."""
    principal = await _committee_principal(request, committee_id)
    check_csrf(request, csrf)
    if decision not in ("approved", "rejected", "amended"):
        raise PageError(422, "error_invalid", "decision")
    comment = _comment(comment)
    if decision in ("amended", "rejected") and not comment:
        raise PageError(422, "amend_needs_comment" if decision == "amended" else "reject_needs_comment")
    async with transaction(request) as conn:
        proposal = await queries.proposal(conn, proposal_id)
        if proposal is None or proposal["committee_id"] != committee_id:
            raise PageError(404, "error_not_found")
        try:
            await actions.decide_proposal(conn, principal, proposal_id, decision, comment,
                                          "POST /committee/{committee_id}/proposals/{proposal_id}/decision",
                                          signing_key=request.app.state.signing_key,
                                          keep=keep if decision == "amended" else None)
        except InvalidInput as error:
            raise PageError(422, "amend_needs_keep" if error.field == "keep" else "error_invalid",
                            error.problem) from error
    return RedirectResponse(f"/committee/{quote(committee_id, safe='')}?done={decision}", status_code=303)


@router.get("/committee/{committee_id}/plots/{name}.png")
async def committee_plot(request: Request, committee_id: str, name: str):
    await _committee_principal(request, committee_id)
    if name not in ("effect", "spread"):
        raise PageError(404, "error_not_found")
    t = texts(request)
    cache: plots.PlotCache = request.app.state.plot_cache
    key = (name, committee_id if name == "spread" else "", t.lang)
    png = cache.get(key)
    if png is None:
        async with connection(request) as conn:
            if name == "effect":
                data = await plots.effect_groups(conn)
                png = await asyncio.to_thread(plots.render_effect, data, t)
            else:
                data = await plots.spread_groups(conn, committee_id, t)
                png = await asyncio.to_thread(plots.render_spread, data, t)
        cache.put(key, png)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


# --- the employee ------------------------------------------------------------------

async def _employee_principal(request: Request) -> Principal:
    principal = await page_principal(request)
    if principal.kind != "employee":
        raise PageError(403, "error_forbidden")
    return principal


@router.get("/me")
async def me_page(request: Request, answered: str | None = None, saved: str | None = None, done: str | None = None):
    principal = await _employee_principal(request)
    t = texts(request)
    employee_id = principal.scope
    async with transaction(request) as conn:
        await audited(conn, principal, employee_id, "read own data", "GET /me", purpose_of(principal))
        person = await queries.employee(conn, employee_id)
        suggestions = await queries.suggestions_of(conn, employee_id)
        await audited_suggestions(conn, principal, employee_id, suggestions, "GET /me")
        held = await queries.held_data(conn, employee_id)
        workplace = person["workplace"]["workplace_id"] if person else None
        slots = await queries.open_rotation_slots(conn, workplace)
        reads = [entry for entry in await queries.audit_entries(conn, subject=employee_id, actor=None, limit=50)
                 if entry["actor"] != principal.role][:10]
        quiet_days = request.app.state.settings.decline_quiet_days
        declined_needs = await answers.declined_needs_of(conn, employee_id, quiet_days)
        disputes = await answers.disputes_of(conn, employee_id)
        activities = await answers.activities_named(conn, _activity_ids(suggestions))
        t = t.with_labels(await labels_of_records(conn, person, suggestions, held, declined_needs, disputes))
    message = None
    if answered in ("accepted", "declined"):
        message = t.fmt("answered", response=t.get(f"decision_{answered}"))
    elif saved:
        message = t.rotation_saved
    elif done in ("disputed", "asked_again"):
        message = t.get(f"me_{done}")
    interest = held["rotation_interest"]
    ranked = list(interest["ranked_slot_ids"]) if interest else []
    return render(request, "me.html", t=t, principal=principal, person=person,
                  open_suggestions=[s for s in suggestions if s["status"] == "open"],
                  answered_suggestions=[s for s in suggestions if s["status"] != "open"], held=held, slots=slots,
                  ranked=ranked + [""] * (RANK_CHOICES - len(ranked)), rank_choices=RANK_CHOICES,
                  suggest_to_me=interest is not None and not ranked, reads=reads, message=message,
                  available_from=(interest["available_from"] if interest else dt.date.today()).isoformat(),
                  max_weeks=interest["max_weeks"] if interest else 8, activities=activities,
                  declined_needs=declined_needs, disputes=disputes,
                  quiet_until={s["suggestion_id"]: (s["answered_at"] + dt.timedelta(days=quiet_days)).date()
                               for s in suggestions if s["status"] == "declined" and s["answered_at"]},
                  open_disputes={d["skill"] for d in disputes if d["state"] == "open"},
                  decline_reasons=actions.DECLINE_REASONS)


def _activity_ids(suggestions: list[dict[str, Any]]) -> list[str]:
    """The learning activities the suggestions' paths name, for their titles, providers and sessions."""
    ids = []
    for s in suggestions:
        for step in (s["explanation"] or {}).get("steps") or []:
            if isinstance(step, dict) and isinstance(step.get("activity"), str):
                ids.append(step["activity"])
    return ids


@router.post("/me/suggestions/{suggestion_id}/response")
async def me_answer(request: Request, suggestion_id: str, response: str = Form(""), comment: str = Form(""),
                    reason: str = Form(""), csrf: str = Form("")):
    principal = await _employee_principal(request)
    check_csrf(request, csrf)
    if response not in ("accepted", "declined"):
        raise PageError(422, "error_invalid", "response")
    if reason and reason not in actions.DECLINE_REASONS:
        raise PageError(422, "error_invalid", "reason")
    async with transaction(request) as conn:
        # The reason chosen beside the buttons counts only for a decline.
        await actions.answer_suggestion(conn, principal, suggestion_id, response, _comment(comment),
                                        "POST /me/suggestions/{suggestion_id}/response",
                                        signing_key=request.app.state.signing_key,
                                        reason=(reason or None) if response == "declined" else None)
    return RedirectResponse(f"/me?answered={response}", status_code=303)


@router.post("/me/suggestions/{suggestion_id}/ask-again")
async def me_ask_again(request: Request, suggestion_id: str, csrf: str = Form("")):
    principal = await _employee_principal(request)
    check_csrf(request, csrf)
    async with transaction(request) as conn:
        await actions.ask_again(conn, principal, suggestion_id, "POST /me/suggestions/{suggestion_id}/ask-again")
    return RedirectResponse("/me?done=asked_again", status_code=303)


@router.post("/me/competences/dispute")
async def me_dispute(request: Request, skill: str = Form("", max_length=500), comment: str = Form(""),
                     csrf: str = Form("")):
    """The employee says a competence Tillid holds about them is wrong (only their own: the session's)."""
    principal = await _employee_principal(request)
    check_csrf(request, csrf)
    comment = _comment(comment)
    if not comment:
        raise PageError(422, "dispute_needs_comment")
    async with transaction(request) as conn:
        person = await queries.employee(conn, principal.scope)
        if person is None or skill not in {c["skill"] for c in person["competences"]}:
            raise PageError(422, "error_invalid", "skill")
        await actions.dispute_competence(conn, principal, skill, comment, "POST /me/competences/dispute",
                                         signing_key=request.app.state.signing_key)
    return RedirectResponse("/me?done=disputed", status_code=303)


@router.post("/me/rotation")
async def me_rotation(request: Request, csrf: str = Form(""), suggest: str = Form(""),
                      available_from: str = Form(""), max_weeks: str = Form("")):
    principal = await _employee_principal(request)
    check_csrf(request, csrf)
    form = await request.form()
    try:
        start = dt.date.fromisoformat(available_from)
    except ValueError:
        raise PageError(422, "error_invalid", "available_from") from None
    if not max_weeks.isdigit() or not 1 <= int(max_weeks) <= 104:
        raise PageError(422, "error_invalid", "max_weeks")
    chosen = [str(form.get(f"choice_{i}") or "") for i in range(1, RANK_CHOICES + 1)]
    ranked = [] if suggest else list(dict.fromkeys(c for c in chosen if c))
    async with transaction(request) as conn:
        person = await queries.employee(conn, principal.scope)
        if person is None:
            raise PageError(404, "error_not_found")
        known = {s["slot_id"] for s in await queries.open_rotation_slots(conn, person["workplace"]["workplace_id"])}
        if not set(ranked) <= known:
            raise PageError(422, "error_invalid", "choice")
        await actions.express_rotation_interest(conn, principal, principal.scope, ranked, start, int(max_weeks),
                                                "POST /me/rotation")
    return RedirectResponse("/me?saved=1", status_code=303)


# --- wiring -------------------------------------------------------------------------

_PAGE_STATUS_KEYS = {401: "error_forbidden", 403: "error_forbidden", 404: "error_not_found",
                     409: "error_conflict", 422: "error_invalid", 503: "error_unavailable"}


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith("/api")


def warm_up() -> None:
    """Load the skill names the pages show (the whole taxonomy), so the first page does not wait for them
    (docs/benchmarks.md, "Figures that stood in the code")."""
    from tillid.competence.taxonomy import default_taxonomy

    default_taxonomy()


def install(app: FastAPI) -> None:
    """Mount the pages and static files, and show refusals on pages as pages."""
    from fastapi.exception_handlers import http_exception_handler
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from tillid.review import errors as api_errors

    app.state.plot_cache = plots.PlotCache()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(router)

    async def page_error(request: Request, error: PageError):
        return render(request, "error.html", status=error.status, key=error.key, detail=error.detail)

    async def login_required(request: Request, error: LoginRequired):
        return RedirectResponse("/login", status_code=303)

    async def http_error(request: Request, error: StarletteHTTPException):
        if _is_page(request) and error.status_code in _PAGE_STATUS_KEYS:
            detail = error.detail if error.status_code in (409, 422) else ""
            return render(request, "error.html", status=error.status_code,
                          key=_PAGE_STATUS_KEYS[error.status_code], detail=detail)
        return await http_exception_handler(request, error)

    async def unavailable(request: Request, error: DatabaseUnavailable):
        if _is_page(request):
            return render(request, "error.html", status=503, key="error_unavailable", detail="")
        return await api_errors.unavailable(request, error)

    async def invalid_input(request: Request, error: InvalidInput):
        if _is_page(request):
            return render(request, "error.html", status=422, key="error_invalid", detail=error.reason)
        return await api_errors.invalid_input(request, error)

    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DatabaseUnavailable, unavailable)
    app.add_exception_handler(InvalidInput, invalid_input)
