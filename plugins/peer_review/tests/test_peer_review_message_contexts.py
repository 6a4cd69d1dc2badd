"""The history page's "From" and "To" columns keep their meaning next to other plugins' catalogues.

Flask-Babel merges the core's and every plugin's catalogue into one, so a bare ``"From"`` would be
translated by whichever catalogue is merged last: the evaluation plugin's report filters use
"From"/"To" for the start and end of a period ("Dal"/"Al"), this page for the two versions being
compared ("Da"/"A"). Both words carry a message context, and the test loads the evaluation plugin
after this one, as an installation may.
"""

from __future__ import annotations

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from peer_review_helpers import form_team

from nttlearn import db
from nttlearn.i18n import catalogues


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    """Every catalogue compiled to ``.mo`` where it is missing or older than its ``.po``, as
    ``make install`` does: the page reads the core's and two plugins' catalogues."""
    for domain, _source, folder in catalogues():
        for po in folder.glob(f"*/LC_MESSAGES/{domain}.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                with po.open("rb") as source, mo.open("wb") as target:
                    write_mo(target, read_po(source))


@pytest.fixture
def app_plugins():
    return ["peer_review", "evaluation"]


@pytest.mark.parametrize(
    ("locale", "version_from", "version_to"),
    [
        ("it", "Da", "A"),
        ("fi", "Mistä", "Mihin"),
    ],
)
def test_the_history_compares_from_one_version_to_another(
    make_capstone, client_for, locale, version_from, version_to
):
    cap = make_capstone()
    giulia, asa = cap.officials[0], cap.officials[2]
    form_team(cap, [giulia, asa])
    giulia.locale = locale
    db.session.commit()
    url = f"/peer-review/{cap.activity.id}/proposal/objectives"
    client_for(giulia).post(url, data={"text": "Meet in Bologna in March.", "base_version": "0"})
    client_for(asa).post(
        url, data={"text": "Meet in Luleå and Bologna in May.", "base_version": "1"}
    )

    page = client_for(giulia).get(f"{url}/history").get_data(as_text=True)

    assert f"<th>{version_from}</th><th>{version_to}</th></tr></thead>" in page
