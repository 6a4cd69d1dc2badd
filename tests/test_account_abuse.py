"""The account forms cannot be used against people: one password policy on every path to a new
password, and the forms that send mail neither flood an inbox nor tell who has an account."""

from __future__ import annotations

import re
import uuid

import pytest
from core_helpers import redis_url_or_skip

from nttlearn.mail import outbox
from nttlearn.testing import TEST_PASSWORD

GOOD_PASSWORD = "tortellini-in-brodo-at-noon"
OWN_DATA = "Do not use your name or e-mail address as your password."


def registration(email: str, **fields) -> dict[str, str]:
    return {
        "name": "Giulia Rossi",
        "email": email,
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
        "locale": "it",
        **fields,
    }


def reset_link(to: str) -> str:
    body = [m for m in outbox() if m["To"] == to][-1].get_content()
    return re.search(r"https?://[^/\s]+(/password/reset/\S+)", body).group(1)


# -- one password policy (finding 6) ---------------------------------------------------------------
@pytest.mark.parametrize(
    "own", ["giulia.rossi@example.org", "giulia.rossi", "Giulia Rossi Bianchi"]
)
def test_the_reset_form_refuses_a_password_made_of_the_accounts_e_mail_or_name(
    client, make_user, own
):
    user = make_user(email="giulia.rossi@example.org", name="Giulia Rossi Bianchi")
    client.post("/password/forgot", data={"email": user.email})

    response = client.post(reset_link(user.email), data={"password": own, "confirm": own})

    assert response.status_code == 200
    assert OWN_DATA in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "own", ["giulia.rossi@example.org", "giulia.rossi", "Giulia Rossi Bianchi"]
)
def test_the_change_form_refuses_a_password_made_of_the_accounts_e_mail_or_name(
    client, make_user, login_as, own
):
    login_as(make_user(email="giulia.rossi@example.org", name="Giulia Rossi Bianchi"))

    response = client.post(
        "/account/password",
        data={"pw-current": TEST_PASSWORD, "pw-password": own, "pw-confirm": own},
    )

    assert response.status_code == 200
    assert OWN_DATA in response.get_data(as_text=True)


# -- throttling the forms that send mail (finding 7) -------------------------------------------------
def test_registration_sends_at_most_three_mails_an_hour_to_one_address(client):
    answers = [client.post("/register", data=registration("target@example.org")) for _ in range(12)]

    assert [a.status_code for a in answers[:3]] == [302] * 3
    assert {a.status_code for a in answers[3:]} == {429}
    assert "Too many requests" in answers[-1].get_data(as_text=True)
    assert len(outbox()) == 3


def test_password_reset_sends_at_most_three_mails_an_hour_to_one_address(client, make_user):
    user = make_user()

    answers = [client.post("/password/forgot", data={"email": user.email}) for _ in range(12)]

    assert {a.status_code for a in answers[3:]} == {429}
    assert len(outbox()) == 3


def test_one_network_cannot_send_mail_to_many_addresses_through_registration(app, client):
    app.config["ACCOUNT_MAIL_RATE_LIMIT"] = {"address": (3, 3600), "ip": (5, 3600)}

    answers = [
        client.post("/register", data=registration(f"person{n}@example.org")) for n in range(8)
    ]

    assert [a.status_code for a in answers] == [302] * 5 + [429] * 3
    assert len(outbox()) == 5


def test_the_limit_on_an_address_is_the_same_for_a_new_address_and_one_with_an_account(
    client, make_user
):
    make_user(email="known@example.org")

    known = [
        client.post("/register", data=registration("known@example.org")).status_code
        for _ in range(4)
    ]
    new = [
        client.post("/register", data=registration("unknown@example.org")).status_code
        for _ in range(4)
    ]

    assert known == new == [302, 302, 302, 429]


def test_the_limits_are_shared_by_every_worker_through_redis(app_factory):
    redis_url = redis_url_or_skip()
    limits = {"address": (3, 3600), "ip": (10**6, 3600)}  # other test runs share this Redis and IP
    first, second = (
        app_factory({"REDIS_URL": redis_url, "ACCOUNT_MAIL_RATE_LIMIT": limits}) for _ in range(2)
    )
    email = f"shared-{uuid.uuid4().hex}@example.org"

    codes = [
        app.test_client().post("/register", data=registration(email)).status_code
        for app in (first, second, first, second)
    ]

    assert codes == [302, 302, 302, 429]
