"""Administration: finding people, changing roles, deactivating accounts, organisations."""

from __future__ import annotations

import re

import pytest

from nttlearn.extensions import db
from nttlearn.models import Organisation, User
from nttlearn.testing import login


@pytest.fixture
def admin_client(client, make_user, login_as):
    admin = make_user(role="admin", name="Anna Admin", email="anna@example.org")
    login_as(admin)
    client.admin = admin
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def listed_names(page: str) -> list[str]:
    return re.findall(r'<td><a href="/admin/users/\d+">([^<]+)</a></td>', page)


# -- users -----------------------------------------------------------------------------------------
def test_user_search_matches_name_or_e_mail_whatever_the_case(admin_client, make_user):
    make_user(name="Giulia Rossi", email="giulia@comune.bologna.it")
    make_user(name="Erik Nilsson", email="erik@umea.se")
    make_user(name="Lucía Fernández", email="lucia@coruna.gal")

    assert listed_names(text(admin_client.get("/admin/users?q=ROSSI"))) == ["Giulia Rossi"]
    assert listed_names(text(admin_client.get("/admin/users?q=umea.se"))) == ["Erik Nilsson"]
    assert listed_names(text(admin_client.get("/admin/users?q=100%25"))) == []
    assert "No user matches your search." in text(admin_client.get("/admin/users?q=nobody"))


def test_user_list_filters_by_role_and_hides_deleted_accounts(admin_client, make_user):
    make_user(role="trainer", name="Paolo Trainer")
    gone = make_user(name="Gone Person")
    gone.deleted_at = gone.created_at
    db.session.commit()

    assert listed_names(text(admin_client.get("/admin/users?role=trainer"))) == ["Paolo Trainer"]
    assert "Gone Person" not in text(admin_client.get("/admin/users"))
    assert admin_client.get(f"/admin/users/{gone.id}").status_code == 404


def test_user_list_pages_through_many_accounts(admin_client, make_user):
    for n in range(55):
        make_user(name=f"Person {n:02d}")

    first, second = (
        text(admin_client.get("/admin/users")),
        text(admin_client.get("/admin/users?page=2")),
    )

    assert len(listed_names(first)) == 50 and "Page 1 of 2" in first
    assert len(listed_names(second)) == 6 and "Page 2 of 2" in second
    assert admin_client.get("/admin/users?page=99").status_code == 200


def test_admin_changes_a_role(admin_client, make_user):
    person = make_user(name="Future Trainer")

    response = admin_client.post(
        f"/admin/users/{person.id}", data={"role": "trainer", "active": "y"}, follow_redirects=True
    )

    assert "Future Trainer has been updated." in text(response)
    db.session.refresh(person)
    assert person.role == "trainer" and person.active


def test_admin_refuses_an_unknown_role_with_a_message(admin_client, make_user):
    person = make_user()

    response = admin_client.post(
        f"/admin/users/{person.id}", data={"role": "emperor", "active": "y"}
    )

    assert response.status_code == 200
    assert "Not a valid choice" in text(response)
    db.session.refresh(person)
    assert person.role == "learner"


def test_a_deactivated_account_can_no_longer_log_in(admin_client, app, make_user):
    person = make_user()

    admin_client.post(f"/admin/users/{person.id}", data={"role": "learner"})

    db.session.refresh(person)
    assert person.active is False
    assert "deactivated" in text(admin_client.get("/admin/users"))
    assert login(app.test_client(), person).status_code == 200


@pytest.mark.parametrize("data", [{"role": "admin"}, {"role": "learner", "active": "y"}])
def test_an_admin_cannot_deactivate_themselves_or_drop_their_own_rights(admin_client, data):
    admin = admin_client.admin

    response = admin_client.post(f"/admin/users/{admin.id}", data=data)

    assert response.status_code == 200
    assert "You cannot remove your own administrator rights or deactivate yourself." in text(
        response
    )
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active
    assert admin_client.get("/admin/").status_code == 200


def test_admin_home_counts_users_and_organisations(admin_client, make_user):
    make_user(org="Comune di Modena", country="IT")

    page = text(admin_client.get("/admin/"))

    assert re.search(r'Users</a> <span class="muted">\(2\)', page)
    assert re.search(r'Organisations</a> <span class="muted">\(1\)', page)


# -- organisations -----------------------------------------------------------------------------------
def organisation_names() -> list[str]:
    return (
        db.session.execute(db.select(Organisation.name).order_by(Organisation.name)).scalars().all()
    )


def test_admin_adds_an_organisation(admin_client):
    response = admin_client.post(
        "/admin/organisations",
        data={"name": " Kiruna kommun ", "town": "Kiruna", "country": "SE"},
        follow_redirects=True,
    )

    assert "The organisation has been added." in text(response)
    org = db.session.execute(db.select(Organisation)).scalar_one()
    assert (org.name, org.town, org.country) == ("Kiruna kommun", "Kiruna", "SE")
    assert ">Kiruna kommun</a>" in text(response)


@pytest.mark.parametrize("name", ["Comune di Bologna", "comune di bologna", "  COMUNE DI BOLOGNA "])
def test_adding_an_organisation_with_an_existing_name_says_so(admin_client, make_user, name):
    make_user(org="Comune di Bologna", country="IT")

    response = admin_client.post(
        "/admin/organisations", data={"name": name, "town": "Bologna", "country": "IT"}
    )

    assert response.status_code == 200
    assert "An organisation with this name already exists." in text(response)
    assert organisation_names() == ["Comune di Bologna"]


def test_adding_an_organisation_without_a_country_asks_for_it(admin_client):
    response = admin_client.post("/admin/organisations", data={"name": "Somewhere", "country": ""})

    assert response.status_code == 200
    assert "Please correct the fields marked below." in text(response)
    assert organisation_names() == []


def test_admin_edits_an_organisation(admin_client, make_user):
    org = make_user(org="Comune di Ferara", country="IT").organisation

    response = admin_client.post(
        f"/admin/organisations/{org.id}",
        data={"name": "Comune di Ferrara ", "town": "Ferrara", "country": "IT"},
    )

    assert response.headers["Location"] == "/admin/organisations"
    db.session.refresh(org)
    assert (org.name, org.town) == ("Comune di Ferrara", "Ferrara")


def test_renaming_an_organisation_to_an_existing_name_says_so(admin_client, make_user):
    make_user(org="Comune di Bologna", country="IT")
    other = make_user(org="Comune di Modena", country="IT").organisation

    response = admin_client.post(
        f"/admin/organisations/{other.id}",
        data={"name": "comune di BOLOGNA", "town": "Bologna", "country": "IT"},
    )

    assert response.status_code == 200
    assert "An organisation with this name already exists." in text(response)
    assert organisation_names() == ["Comune di Bologna", "Comune di Modena"]


def test_an_organisation_may_keep_its_own_name_when_edited(admin_client, make_user):
    org = make_user(org="Oulun kaupunki", country="FI").organisation

    response = admin_client.post(
        f"/admin/organisations/{org.id}",
        data={"name": "Oulun kaupunki", "town": "Oulu", "country": "FI"},
    )

    assert response.status_code == 302
    db.session.refresh(org)
    assert org.town == "Oulu"


def test_editing_an_organisation_that_does_not_exist_answers_404(admin_client):
    assert admin_client.get("/admin/organisations/999999").status_code == 404


def test_the_organisation_list_counts_its_people(admin_client, make_user):
    make_user(org="Luleå kommun", country="SE")
    make_user(org="Luleå kommun", country="SE")

    page = text(admin_client.get("/admin/organisations"))

    row = page[page.index("Luleå kommun") :]
    assert re.search(r'<td class="num">2</td>', row[: row.index("</tr>")])


def test_people_who_are_not_admins_cannot_change_accounts(app, make_user):
    trainer, victim = make_user(role="trainer"), make_user()
    client = app.test_client()
    login(client, trainer)

    response = client.post(f"/admin/users/{victim.id}", data={"role": "admin", "active": "y"})

    assert response.status_code == 403
    assert db.session.get(User, victim.id).role == "learner"
