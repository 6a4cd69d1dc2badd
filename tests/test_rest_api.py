"""The REST API (/api/v1): tokens and their scopes, every resource's permissions per role,
pagination, problem details, rate limits, and that the site's cookie session is never accepted."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from nttlearn.extensions import db
from nttlearn.models import ApiToken, Enrolment, utcnow
from nttlearn.rest.tokens import TokenError, create_token
from nttlearn.testing import count_rows


@pytest.fixture
def token_for(app):
    def make(user, *scopes: str, **options):
        token, _record = create_token(user, list(scopes or ("read",)), name="test", **options)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def api(client):
    def call(method: str, path: str, headers: dict | None = None, **kwargs):
        return client.open(f"/api/v1{path}", method=method, headers=headers or {}, **kwargs)

    return call


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return body


# -- tokens ------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash_and_works_as_a_bearer(app, make_user, token_for, api):
    user = make_user(name="Anna Rossi")
    headers = token_for(user, "read")
    token = headers["Authorization"].split()[1]

    record = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token not in (record.token_hash, record.prefix) and token.startswith(record.prefix + "_")
    me = api("GET", "/me", headers)
    assert me.status_code == 200
    assert me.get_json()["name"] == "Anna Rossi" and me.get_json()["scopes"] == ["read"]
    assert db.session.get(ApiToken, record.id).last_used_at is not None


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ntt_nothere_x", "Basic dXNlcjpwdw==", "Token ntt_x"]
)
def test_a_missing_or_wrong_token_gets_401_with_the_bearer_challenge(api, header):
    response = api("GET", "/me", {"Authorization": header} if header else {})

    _problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_sites_cookie_session_is_never_accepted(app, make_user, login_as, api):
    login_as(make_user())

    _problem(api("GET", "/me"), 401)
    _problem(api("POST", "/enrolments", json={"course": "anything"}), 401)


def test_revoked_expired_and_deactivated_tokens_stop_working(app, make_user, token_for, api):
    user = make_user()
    revoked, expired, deactivated = (
        token_for(user),
        token_for(user, expires_days=1),
        token_for(make_user()),
    )
    records = db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars().all()
    records[0].revoked_at = utcnow()
    records[1].expires_at = utcnow() - timedelta(seconds=1)
    records[2].user.active = False
    db.session.commit()

    for headers in (revoked, expired, deactivated):
        _problem(api("GET", "/me", headers), 401)


def test_only_administrators_may_hold_the_admin_scope(app, make_user):
    with pytest.raises(TokenError, match="admin"):
        create_token(make_user(role="trainer"), ["admin"])
    with pytest.raises(TokenError, match="scope"):
        create_token(make_user(), ["everything"])
    with pytest.raises(TokenError, match="at least one"):
        create_token(make_user(), [])


def test_a_token_without_the_scope_a_resource_needs_gets_403(
    app, make_user, make_course, token_for, api
):
    course = make_course()
    read_only = token_for(make_user(), "read")
    write_only = token_for(make_user(), "write")

    body = _problem(api("POST", "/enrolments", read_only, json={"course": course.slug}), 403)
    assert "write" in body["detail"]
    _problem(api("GET", "/courses", write_only), 403)
    assert count_rows(Enrolment) == 0


def test_an_admins_token_without_the_admin_scope_cannot_list_accounts(
    app, make_user, token_for, api
):
    admin = make_user(role="admin")

    _problem(api("GET", "/users", token_for(admin, "read", "write")), 403)
    assert api("GET", "/users", token_for(admin, "admin")).status_code == 200


def test_too_many_requests_with_one_token_get_429_with_retry_after(app_factory, make_user):
    app = app_factory({"API_RATE_LIMIT": (3, 60)})
    with app.app_context():
        user = make_user()
        token, _ = create_token(user, ["read"])
        db.session.commit()
        client = app.test_client()
        statuses = [
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
            for _ in range(4)
        ]
        last = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert statuses == [200, 200, 200, 429]
    assert last.status_code == 429 and last.headers["Retry-After"] == "60"


# -- courses -------------------------------------------------------------------------------------


def test_courses_lists_published_courses_with_pagination_metadata(
    app, make_user, make_course, token_for, api
):
    for n in range(3):
        make_course(title=f"Published {n}")
    make_course(title="Draft", published=False)
    headers = token_for(make_user())

    first = api("GET", "/courses?page_size=2", headers)
    second = api("GET", "/courses?page_size=2&page=2", headers)

    assert first.status_code == 200
    assert [c["title"] for c in first.get_json()] == ["Published 0", "Published 1"]
    assert [c["title"] for c in second.get_json()] == ["Published 2"]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 3 and meta["total_pages"] == 2 and meta["next_page"] == 2


def test_courses_filter_by_complete_language_and_answer_in_the_asked_language(
    app, make_user, make_course, token_for, api
):
    make_course(title="English only")
    make_course(title="In Italian too", languages=["en", "it"])
    headers = token_for(make_user())

    italian = api("GET", "/courses?language=it&lang=it", headers).get_json()

    assert [c["title"] for c in italian] == ["[it] In Italian too"]
    assert italian[0]["languages"] == ["en", "it"]


def test_a_draft_course_is_hidden_except_from_its_trainers(
    app, make_user, make_course, token_for, api
):
    trainer = make_user(role="trainer")
    draft = make_course(title="Draft", published=False, trainer=trainer)

    body = _problem(api("GET", f"/courses/{draft.slug}", token_for(make_user())), 404)
    assert body["instance"] == f"/api/v1/courses/{draft.slug}"
    assert api("GET", f"/courses/{draft.slug}", token_for(trainer)).get_json()["published"] is False


def test_the_outline_lists_modules_with_lessons_then_activities_in_order(
    app, make_user, make_course, token_for, api
):
    course = make_course(modules=2, lessons=2, activities=((1, "quiz", True),))

    outline = api("GET", f"/courses/{course.slug}/outline", token_for(make_user())).get_json()

    assert [m["title"] for m in outline["modules"]] == ["Module 1", "Module 2"]
    assert [(i["kind"], i["title"]) for i in outline["modules"][1]["items"]] == [
        ("lesson", "Lesson 2.1"),
        ("lesson", "Lesson 2.2"),
        ("activity", "quiz 0"),
    ]


def test_bad_query_values_get_422_problem_details_with_the_field_errors(
    app, make_user, token_for, api
):
    headers = token_for(make_user())
    area = _problem(api("GET", "/courses?policy_area=astrology", headers), 422)
    size = _problem(api("GET", "/courses?page_size=0", headers), 422)

    assert list(area["errors"]["query"]) == ["policy_area"] and list(size["errors"]["query"]) == [
        "page_size"
    ]


# -- enrolments and progress ------------------------------------------------------------------------


def test_a_learner_enrols_once_however_often_the_request_is_sent(
    app, make_user, make_course, token_for, api
):
    course = make_course()
    learner = make_user()
    headers = token_for(learner, "read", "write")

    first = api("POST", "/enrolments", headers, json={"course": course.slug})
    again = api("POST", "/enrolments", headers, json={"course": course.slug})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert count_rows(Enrolment, user_id=learner.id, course_id=course.id) == 1
    assert [e["course"] for e in api("GET", "/enrolments", headers).get_json()] == [course.slug]


def test_self_enrolment_closed_gets_403_and_writes_nothing(
    app, make_user, make_course, token_for, api
):
    course = make_course(self_enrolment=False)

    _problem(
        api("POST", "/enrolments", token_for(make_user(), "write"), json={"course": course.slug}),
        403,
    )
    assert count_rows(Enrolment) == 0


def test_trainers_enrol_others_in_their_course_and_learners_may_not(
    app, make_user, make_course, token_for, api
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer, self_enrolment=False)
    learner, other = make_user(), make_user()

    by_trainer = api(
        "POST",
        "/enrolments",
        token_for(trainer, "write"),
        json={"course": course.slug, "user_id": learner.id},
    )
    by_learner = api(
        "POST",
        "/enrolments",
        token_for(other, "write"),
        json={"course": course.slug, "user_id": learner.id},
    )

    assert by_trainer.status_code == 201 and by_trainer.get_json()["user_id"] == learner.id
    _problem(by_learner, 403)
    assert count_rows(Enrolment) == 1


def test_enrolments_of_a_course_are_listed_for_its_trainer_only(
    app, make_user, make_course, token_for, api
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    learners = [make_user() for _ in range(3)]
    for learner in learners:
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()

    by_trainer = api("GET", f"/enrolments?course={course.slug}", token_for(trainer)).get_json()
    by_learner = api("GET", f"/enrolments?course={course.slug}", token_for(learners[0])).get_json()

    assert sorted(e["user_id"] for e in by_trainer) == sorted(u.id for u in learners)
    assert [e["user_id"] for e in by_learner] == [learners[0].id]
    _problem(api("GET", f"/enrolments?user_id={learners[1].id}", token_for(learners[0])), 403)


def test_delete_an_enrolment_own_or_as_trainer_but_not_someone_elses(
    app, make_user, make_course, token_for, api
):
    trainer = make_user(role="trainer")
    course = make_course(trainer=trainer)
    learner, stranger = make_user(), make_user()
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    db.session.commit()
    enrolment_id = db.session.execute(db.select(Enrolment.id)).scalar_one()

    _problem(api("DELETE", f"/enrolments/{enrolment_id}", token_for(stranger, "write")), 404)
    assert (
        api("DELETE", f"/enrolments/{enrolment_id}", token_for(trainer, "write")).status_code == 204
    )
    assert count_rows(Enrolment) == 0


def test_progress_mine_and_a_courses_for_its_trainer(app, make_user, make_course, token_for, api):
    from nttlearn.learn.services import complete_lesson
    from nttlearn.models import Lesson

    trainer = make_user(role="trainer")
    course = make_course(modules=1, lessons=4, trainer=trainer)
    learner = make_user(name="Learner One")
    db.session.add(Enrolment(user_id=learner.id, course_id=course.id))
    lesson = db.session.execute(db.select(Lesson).order_by(Lesson.id)).scalars().first()
    complete_lesson(learner.id, lesson)
    db.session.commit()

    mine = api("GET", "/me/progress", token_for(learner)).get_json()
    theirs = api("GET", f"/courses/{course.slug}/progress", token_for(trainer)).get_json()

    assert [(p["course"], p["done"], p["total"], p["percent"]) for p in mine] == [
        (course.slug, 1, 4, 25)
    ]
    assert [(p["name"], p["percent"]) for p in theirs] == [("Learner One", 25)]
    _problem(api("GET", f"/courses/{course.slug}/progress", token_for(learner)), 403)


# -- accounts and organisations (administrators) ----------------------------------------------------


def test_administrators_list_accounts_and_organisations_with_filters(
    app, make_user, token_for, api
):
    admin = make_user(role="admin")
    make_user(name="Bo Lindqvist", org="Luleå kommun", country="SE")
    make_user(name="Giulia Neri", org="Comune di Modena", country="IT")
    headers = token_for(admin, "admin")

    swedes = api("GET", "/organisations?country=se", headers).get_json()
    trainers = api("GET", "/users?role=admin", headers).get_json()
    one = api("GET", f"/organisations/{swedes[0]['id']}", headers).get_json()

    assert [o["name"] for o in swedes] == ["Luleå kommun"] and one["country"] == "SE"
    assert [u["id"] for u in trainers] == [admin.id]
    _problem(api("GET", "/users/999999", headers), 404)


# -- the document, the reference, and switching the API off -------------------------------------------


def test_the_openapi_document_is_3_1_and_names_the_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"/api/v1/courses", "/api/v1/enrolments", "/api/v1/me/progress"} <= set(spec["paths"])


def test_the_reference_page_lists_every_operation(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)

    assert (
        "GET /api/v1/courses/{slug}/outline" in page
        and "DELETE /api/v1/enrolments/{enrolment_id}" in page
    )


def test_with_the_api_off_there_is_no_api(app_factory):
    off = app_factory({"API_ENABLED": False})

    assert not [r for r in off.url_map.iter_rules() if r.rule.startswith("/api/")]
    assert off.test_client().get("/api/v1/courses").status_code == 404


def test_the_api_is_off_unless_the_setting_turns_it_on(monkeypatch):
    from nttlearn import config

    monkeypatch.delenv("NTTLEARN_API_ENABLED", raising=False)
    assert config.settings_from_env()["API_ENABLED"] is False
    monkeypatch.setenv("NTTLEARN_API_ENABLED", "1")
    assert config.settings_from_env()["API_ENABLED"] is True


# -- the account page ------------------------------------------------------------------------------


def test_a_person_makes_a_token_on_the_account_page_sees_it_once_and_revokes_it(
    app, make_user, login_as, api
):
    user = make_user()
    browser = login_as(user)

    made = browser.post(
        "/account/api-tokens", data={"name": "Regional portal", "scopes": ["read"], "expires": "30"}
    )
    page = made.get_data(as_text=True)
    record = db.session.execute(db.select(ApiToken)).scalar_one()
    token = page.split('id="token-value" type="text" readonly value="')[1].split('"')[0]

    assert made.status_code == 200 and token.startswith(record.prefix)
    assert token not in browser.get("/account/api-tokens").get_data(as_text=True)
    assert api("GET", "/me", {"Authorization": f"Bearer {token}"}).status_code == 200
    assert record.expires_at is not None
    browser.post(f"/account/api-tokens/{record.id}/revoke")
    _problem(api("GET", "/me", {"Authorization": f"Bearer {token}"}), 401)


def test_a_learner_is_not_offered_the_admin_scope_and_cannot_post_it(app, make_user, login_as):
    browser = login_as(make_user())

    page = browser.get("/account/api-tokens").get_data(as_text=True)
    posted = browser.post(
        "/account/api-tokens", data={"name": "x", "scopes": ["admin"], "expires": "30"}
    )

    assert 'value="admin"' not in page
    assert posted.status_code == 200 and "&#39;admin&#39; is not a valid choice" in posted.get_data(
        as_text=True
    )
    assert count_rows(ApiToken) == 0


def test_a_form_without_a_name_or_scope_reshows_with_messages(app, make_user, login_as):
    browser = login_as(make_user())

    page = browser.post("/account/api-tokens", data={"name": "", "expires": "30"}).get_data(
        as_text=True
    )

    assert "Choose at least one." in page and "This field is required." in page
    assert count_rows(ApiToken) == 0


# -- the command line ----------------------------------------------------------------------------------


def test_cli_creates_lists_and_revokes_tokens(app, make_user):
    user = make_user(email="official@example.org")
    from nttlearn.cli import main

    runner = app.test_cli_runner()

    made = runner.invoke(
        main,
        args=[
            "api",
            "token",
            "create",
            "official@example.org",
            "--scope",
            "read",
            "--scope",
            "write",
            "--name",
            "portal",
            "--json",
        ],
    )
    data = json.loads(made.output)
    listed = json.loads(
        runner.invoke(main, args=["api", "token", "list", "official@example.org", "--json"]).output
    )
    refused = runner.invoke(
        main, args=["api", "token", "create", "official@example.org", "--scope", "admin"]
    )
    revoked = runner.invoke(main, args=["api", "token", "revoke", str(data["id"])])

    assert (
        made.exit_code == 0
        and data["scopes"] == ["read", "write"]
        and data["token"].startswith("ntt_")
    )
    assert [t["id"] for t in listed] == [data["id"]] and "token" not in listed[0]
    assert refused.exit_code == 1 and "admin" in refused.output
    assert revoked.exit_code == 0
    assert db.session.get(ApiToken, data["id"]).revoked_at is not None and user.id
