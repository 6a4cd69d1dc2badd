"""Short words that mean something else in another catalogue keep the certificates plugin's meaning.

Flask-Babel merges the core's and every plugin's catalogue into one: a bare ``"Share"`` or ``"Role"``
translated by two catalogues shows one catalogue's word on both pages. The plugin's ambiguous words
carry a message context, so these tests load the plugins whose catalogues clash (evaluation has
"Share" as a share of answers; the core has "Role" as a user's role) and read the pages in the
officials' languages.
"""

from __future__ import annotations

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from nttlearn.i18n import catalogues
from nttlearn_certificates import services


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    """Every catalogue compiled to ``.mo`` where it is missing or older than its ``.po``, as
    ``make install`` does: the pages below read the core's and three plugins' catalogues."""
    for domain, _source, folder in catalogues():
        for po in folder.glob(f"*/LC_MESSAGES/{domain}.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                with po.open("rb") as source, mo.open("wb") as target:
                    write_mo(target, read_po(source))


@pytest.fixture
def app_config():
    return {"BASE_URL": "https://learn.example.org"}


@pytest.fixture
def app_plugins():
    return ["certificates", "evaluation", "peer_review"]


@pytest.mark.parametrize(
    ("locale", "heading"), [("it", "Condividi"), ("sv", "Dela"), ("es", "Compartir"), ("fi", "Jaa")]
)
def test_the_share_card_invites_the_holder_to_share_not_a_share_of_answers(
    make_user, quiz_course, complete, client_for, locale, heading
):
    learner = make_user(locale=locale)
    course = quiz_course()
    complete(learner, course)
    code = services.live_certificate(learner.id, course.id).code

    page = client_for(learner).get(f"/certificates/{code}").get_data(as_text=True)

    assert f'<h2 id="share-heading">{heading}</h2>' in page


def test_a_signatory_has_a_position_while_a_user_keeps_a_role(make_user, client_for):
    admin = make_user(role="admin", locale="sv")
    browser = client_for(admin)

    editor = browser.get("/certificates/admin").get_data(as_text=True)
    user_page = browser.get(f"/admin/users/{admin.id}").get_data(as_text=True)

    assert '<label for="signatory_1_role">Befattning</label>' in editor
    assert '<label for="role">Roll</label>' in user_page


def test_a_trainer_manages_the_course_certificates_in_italian(
    make_user, quiz_course, complete, client_for
):
    trainer = make_user(role="trainer", locale="it")
    course = quiz_course(trainer=trainer)
    complete(make_user(name="Åsa Lindqvist"), course)

    page = client_for(trainer).get(f"/certificates/courses/{course.id}").get_data(as_text=True)

    assert "Attestati rilasciati" in page
    assert "Rilascia manualmente" in page and "Rilascia a un gruppo" in page
    assert "Quando vengono rilasciati gli attestati" in page
    assert "<th>Partecipante</th><th>Codice</th>" in page
