"""The LTI 1.3 flow against a real platform on 127.0.0.1: login initiation, launch with a signed
id_token, refusals, deep linking, grades sent back and the member list."""

from __future__ import annotations

import re
import time

import jwt
import pytest
from lti_fake_platform import CLIENT_ID, DEPLOYMENT, MEMBERSHIP, launch, rsa_key, start_login

from nttlearn.api import Course, CourseStaff, Enrolment, User, complete_activity, db, emit
from nttlearn_lti.models import Account, Launch, Link, Nonce


def test_nothing_launches_without_a_registered_platform(client, lms):
    response = client.post(
        "/lti/login",
        data={
            "iss": lms.issuer,
            "client_id": CLIENT_ID,
            "login_hint": "x",
            "target_link_uri": "http://localhost/lti/launch",
        },
    )
    assert response.status_code == 400
    assert "No registered platform" in response.get_data(as_text=True)


def test_jwks_is_published_and_stable(client, registered):
    first = client.get("/lti/jwks.json").get_json()
    second = client.get("/lti/jwks.json").get_json()
    assert first == second and len(first["keys"]) == 1
    assert {"kid", "n", "e"} <= set(first["keys"][0]) and first["keys"][0]["alg"] == "RS256"
    assert "d" not in first["keys"][0]  # the private part is never published


def test_login_redirects_to_the_platform_with_state_and_nonce(client, lms, registered):
    auth = start_login(client, lms)
    assert auth["client_id"] == CLIENT_ID and auth["response_type"] == "id_token"
    assert (
        auth["redirect_uri"] == "http://localhost/lti/launch" and auth["login_hint"] == "user-hint"
    )
    assert (
        db.session.execute(db.select(Nonce).where(Nonce.nonce == auth["nonce"])).scalar()
        is not None
    )


def test_resource_link_launch_creates_the_learner_and_enrols_them(
    client, lms, registered, make_course
):
    course = make_course(modules=1, lessons=1)
    response, _auth, _token = launch(client, lms, custom={"nttlearn_course": course.slug})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/courses/{course.slug}")
    account = db.session.execute(db.select(Account).where(Account.sub == "learner-1")).scalar_one()
    user = db.session.get(User, account.user_id)
    assert (user.name, user.email, user.locale, user.role) == (
        "Lucia Bianchi",
        "lucia.bianchi@comune.example",
        "it",
        "learner",
    )
    assert db.session.execute(
        db.select(Enrolment).filter_by(user_id=user.id, course_id=course.id)
    ).scalar()
    # Logged in: the course page opens as that learner.
    assert client.get(f"/courses/{course.slug}").status_code == 200
    link = db.session.execute(db.select(Link)).scalar_one()
    assert link.lineitem_url == lms.base + "/lineitems/7/lineitem" and link.course_id == course.id

    # A second launch by the same person uses the same account, matched by sub.
    response, _auth, _token = launch(
        client, lms, custom={"nttlearn_course": course.slug}, name="Lucia B."
    )
    assert response.status_code == 302
    assert db.session.execute(db.select(db.func.count(Account.id))).scalar() == 1


def test_an_existing_email_is_not_taken_over(client, lms, registered, make_course, make_user):
    make_user(email="lucia.bianchi@comune.example")
    course = make_course(modules=1, lessons=1)
    response, _auth, _token = launch(client, lms, custom={"nttlearn_course": course.slug})
    assert response.status_code == 302
    account = db.session.execute(db.select(Account)).scalar_one()
    assert db.session.get(User, account.user_id).email.endswith("@lti.invalid")


def test_instructors_become_trainers_of_the_course(client, lms, registered, make_course):
    course = make_course(modules=1, lessons=1)
    response, _auth, _token = launch(
        client,
        lms,
        sub="teacher-1",
        roles=[MEMBERSHIP + "Instructor"],
        custom={"nttlearn_course": course.slug},
    )
    assert response.status_code == 302
    user = db.session.execute(
        db.select(User).join(Account, Account.user_id == User.id).where(Account.sub == "teacher-1")
    ).scalar_one()
    assert user.role == "trainer"
    assert db.session.execute(
        db.select(CourseStaff).filter_by(user_id=user.id, course_id=course.id)
    ).scalar()
    assert client.get(f"/lti/courses/{course.id}/links").status_code == 200


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("bad_signature", "signature or validity dates could not be verified"),
        ("wrong_audience", "No registered platform has this issuer and client id"),
        ("unknown_deployment", "deployment id is not registered"),
        ("expired", "signature or validity dates could not be verified"),
        ("foreign_nonce", "nonce does not belong to a login started here"),
    ],
)
def test_refusals_say_why(client, lms, registered, make_course, change, reason):
    course = make_course(modules=1, lessons=1)
    auth = start_login(client, lms)
    token = {"custom": {"nttlearn_course": course.slug}}
    if change == "bad_signature":
        token["key"] = rsa_key()[1]  # signed by someone else, under the platform's kid
    elif change == "wrong_audience":
        token["aud"] = "another-tool"
    elif change == "unknown_deployment":
        token["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "deployment-unknown"
    elif change == "expired":
        token["exp"] = int(time.time()) - 3600
    nonce = "made-up-nonce" if change == "foreign_nonce" else auth["nonce"]
    response = client.post(
        "/lti/launch", data={"id_token": lms.id_token(nonce, **token), "state": auth["state"]}
    )
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Account.id))).scalar() == 0
    assert client.get("/dashboard").status_code == 302  # nobody was logged in


def test_a_replayed_id_token_is_refused(client, lms, registered, make_course):
    course = make_course(modules=1, lessons=1)
    response, auth, id_token = launch(client, lms, custom={"nttlearn_course": course.slug})
    assert response.status_code == 302
    replay = client.post("/lti/launch", data={"id_token": id_token, "state": auth["state"]})
    assert replay.status_code == 400
    assert "already used" in replay.get_data(as_text=True)


def test_a_launch_without_state_is_refused(client, lms, registered, make_course):
    auth = start_login(client, lms)
    response = client.post("/lti/launch", data={"id_token": lms.id_token(auth["nonce"])})
    assert response.status_code == 400
    assert "login state is missing" in response.get_data(as_text=True)


def test_deep_linking_returns_a_response_signed_with_the_tools_key(
    client, lms, registered, make_course
):
    course = make_course(modules=1, lessons=1, activities=[(0, "quiz", True)])
    response, _auth, _token = launch(
        client,
        lms,
        sub="teacher-1",
        roles=[MEMBERSHIP + "Instructor"],
        message_type="LtiDeepLinkingRequest",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/lti/deep-link")
    page = client.get("/lti/deep-link")
    assert page.status_code == 200 and course.title in page.get_data(as_text=True)
    activity_id = db.session.execute(db.text("SELECT id FROM activities")).scalar()
    answer = client.post("/lti/deep-link", data={"choice": f"activity:{activity_id}"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert f'action="{lms.base}/deep-link-return"' in html and "data-lti-autosubmit" in html
    # The page may post its form to the platform, and only there (the core's policy says 'self').
    policy = answer.headers["Content-Security-Policy"]
    assert f"form-action 'self' {lms.base};" in policy and "script-src 'self';" in policy
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    tool_jwks = client.get("/lti/jwks.json").get_json()
    [key] = [k for k in tool_jwks["keys"] if k["kid"] == jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=lms.issuer)
    assert claims["iss"] == CLIENT_ID
    assert (
        claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    )
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "dl-data-9"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {
        "nttlearn_activity": str(activity_id)
    }
    assert item["url"] == "http://localhost/lti/launch" and item["lineItem"]["scoreMaximum"] == 100


def test_learners_cannot_deep_link(client, lms, registered):
    response, _auth, _token = launch(client, lms, message_type="LtiDeepLinkingRequest")
    assert response.status_code == 403
    assert client.get("/lti/deep-link").status_code == 302  # not logged in by a refused launch


def test_a_completed_activity_sends_its_score_to_the_line_item(
    client, lms, registered, make_course
):
    course = make_course(modules=1, lessons=1, activities=[(0, "quiz", True)])
    activity_id = db.session.execute(db.text("SELECT id FROM activities")).scalar()
    response, _auth, _token = launch(client, lms, custom={"nttlearn_activity": str(activity_id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    user_id = db.session.execute(db.select(Launch.user_id)).scalar_one()
    from nttlearn.api import Activity

    complete_activity(user_id, db.session.get(Activity, activity_id), score=85.0)
    db.session.commit()  # the job goes after the commit
    assert len(lms.scores) == 1
    score = lms.scores[0]
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("learner-1", 85.0, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in lms.token_requests[-1]["scope"]
    assert course.id

    # A better grade later: the core keeps the better score (no second completion event); the
    # core's "activity graded" event (a quiz's or an assignment's) sends the score the core now keeps.
    complete_activity(user_id, db.session.get(Activity, activity_id), score=95.0)
    emit(
        "activity.graded",
        user_id=user_id,
        course_id=course.id,
        data={"activity_id": activity_id, "score": 95.0, "passed": True},
    )
    db.session.commit()
    assert [s["scoreGiven"] for s in lms.scores] == [85.0, 95.0]
    # A lower grade does not lower what the core keeps, nor what the platform shows.
    emit(
        "activity.graded",
        user_id=user_id,
        course_id=course.id,
        data={"activity_id": activity_id, "score": 40.0, "passed": False},
    )
    db.session.commit()
    assert lms.scores[-1]["scoreGiven"] == 95.0


def test_a_trainer_enrols_the_platforms_members(client, lms, registered, make_course):
    course = make_course(modules=1, lessons=1)
    response, _auth, _token = launch(
        client,
        lms,
        sub="teacher-1",
        roles=[MEMBERSHIP + "Instructor"],
        custom={"nttlearn_course": course.slug},
        locale="en",
    )
    assert response.status_code == 302
    lms.members = [
        {"user_id": "teacher-1", "status": "Active", "roles": ["Instructor"], "name": "Tina"},
        {
            "user_id": "learner-7",
            "status": "Active",
            "roles": ["Learner"],
            "name": "Pekka Virtanen",
            "email": "pekka@kunta.example",
        },
        {
            "user_id": "learner-8",
            "status": "Active",
            "roles": [MEMBERSHIP + "Learner"],
            "name": "Ana",
        },
        {"user_id": "learner-9", "status": "Inactive", "roles": ["Learner"], "name": "Gone"},
    ]
    link = db.session.execute(db.select(Link)).scalar_one()
    synced = client.post(f"/lti/links/{link.id}/sync", follow_redirects=True)
    assert synced.status_code == 200
    assert "Learners enrolled from the platform: 2. Trainers added: 1." in synced.get_data(
        as_text=True
    )
    enrolled = set(
        db.session.execute(
            db.select(User.name)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course.id)
        ).scalars()
    )
    assert enrolled == {"Pekka Virtanen", "Ana"}
    # A second sync makes no duplicates.
    client.post(f"/lti/links/{link.id}/sync")
    assert db.session.execute(db.select(db.func.count(Account.id))).scalar() == 3
    assert db.session.get(Course, course.id)


def test_who_may_not_sync_or_see_links(client_for, make_user, lms, registered, make_course, app):
    course = make_course(modules=1, lessons=1)
    browser = app.test_client()
    launch(browser, lms, custom={"nttlearn_course": course.slug})
    link = db.session.execute(db.select(Link)).scalar_one()
    for user in (make_user(), make_user(role="trainer")):
        other = client_for(user)
        assert other.get(f"/lti/courses/{course.id}/links").status_code == 403
        assert other.post(f"/lti/links/{link.id}/sync").status_code == 403
    # The launched learner is not a trainer either.
    assert browser.post(f"/lti/links/{link.id}/sync").status_code == 403


def test_admins_and_course_trainers_find_the_pages(
    client, lms, registered, make_course, client_for, make_user
):
    course = make_course(modules=1, lessons=1)
    response, _auth, _token = launch(
        client,
        lms,
        sub="teacher-1",
        roles=[MEMBERSHIP + "Instructor"],
        custom={"nttlearn_course": course.slug},
    )
    assert response.status_code == 302
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f"/lti/courses/{course.id}/links" in page
    admin = client_for(make_user(role="admin"))
    assert "/lti/admin" in admin.get("/admin/").get_data(as_text=True)


def test_a_persons_platform_data_is_exported_and_deleted(client, lms, registered, make_course, app):
    from nttlearn_lti import plugin

    course = make_course(modules=1, lessons=1)
    launch(client, lms, custom={"nttlearn_course": course.slug})
    user_id = db.session.execute(db.select(Account.user_id)).scalar_one()
    data = plugin.nttlearn_user_data(user_id)
    assert (
        data["accounts"] == [{"issuer": lms.issuer, "sub": "learner-1"}]
        and len(data["launches"]) == 1
    )
    plugin.nttlearn_delete_user_data(user_id)
    db.session.commit()
    assert plugin.nttlearn_user_data(user_id) is None


def test_the_refusal_speaks_the_browsers_language(client, lms, registered):
    auth = start_login(client, lms)
    response = client.post(
        "/lti/launch",
        data={"id_token": lms.id_token(auth["nonce"], aud="x")},
        headers={"Accept-Language": "fi"},
    )
    assert response.status_code == 400
    assert "Käynnistys hylättiin" in response.get_data(as_text=True)


def test_a_flood_of_logins_is_refused(client, lms, registered, monkeypatch):
    from nttlearn_lti import views

    monkeypatch.setattr(views, "LOGINS_PER_MINUTE", 3)
    for _ in range(3):
        start_login(client, lms)
    response = client.post(
        "/lti/login",
        data={
            "iss": lms.issuer,
            "client_id": CLIENT_ID,
            "login_hint": "x",
            "target_link_uri": "http://localhost/lti/launch",
        },
    )
    assert response.status_code == 429
    assert db.session.execute(db.select(db.func.count(Nonce.id))).scalar() == 3


def test_a_completed_course_sends_full_marks_to_a_course_link(client, lms, registered, make_course):
    course = make_course(modules=1, lessons=1)
    launch(client, lms, custom={"nttlearn_course": course.slug})
    user_id = db.session.execute(db.select(Launch.user_id)).scalar_one()
    emit("course.completed", user_id=user_id, course_id=course.id, data={"course": course.slug})
    db.session.commit()
    assert [(s["userId"], s["scoreGiven"]) for s in lms.scores] == [("learner-1", 100.0)]


def test_a_platform_that_refuses_the_score_fails_the_job_for_a_retry(
    client, lms, registered, make_course
):
    from nttlearn.api import JobError
    from nttlearn_lti.grades import send_score
    from nttlearn_lti.models import ScoreSent

    course = make_course(modules=1, lessons=1)
    launch(client, lms, custom={"nttlearn_course": course.slug})
    launch_id = db.session.execute(db.select(Launch.id)).scalar_one()
    lms.scores_down = True
    with pytest.raises(JobError, match="score not accepted"):
        send_score(launch_id, 70.0)
    assert lms.scores == [] and db.session.get(ScoreSent, launch_id) is None
    lms.scores_down = False
    send_score(launch_id, 70.0)
    assert (
        lms.scores[-1]["scoreGiven"] == 70.0 and db.session.get(ScoreSent, launch_id).score == 70.0
    )


@pytest.mark.parametrize(
    ("return_url", "form_action"),
    [
        (
            "https://moodle.kunta.example/mod/lti/contentitem_return.php",
            "form-action 'self' https://moodle.kunta.example;",
        ),
        ("http://localhost:8080/return", "form-action 'self' http://localhost:8080;"),
        ("https://moodle.example;script-src *", "form-action 'self';"),  # no directive smuggled in
        ("javascript:alert(1)", "form-action 'self';"),
    ],
)
def test_the_return_page_may_post_only_to_the_platforms_origin(return_url, form_action):
    from nttlearn_lti.views import return_page_policy

    policy = return_page_policy(return_url)
    assert (
        form_action in policy
        and policy.count(";") == 7
        and policy.endswith("frame-ancestors 'none'")
    )
