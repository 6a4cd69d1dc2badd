"""What the lti plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("lti")``; ``check_plugin_contract("lti")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nttlearn.api import db
from nttlearn.testing import (
    Expect,
    Route,
    World,
)

# -- plugin: lti -----------------------------------------------------------------------------------
# A registered platform with a link into world.course (no member list offered), and a second
# platform the admin's walk may remove. The launch endpoints answer every visitor alike: without
# a signed id_token and a login started here, they refuse with 400.
LTI_ADMIN = Expect(302, 403, 403, 200)


def _lti_world(w: World) -> dict[str, Any]:
    if "lti" not in w.extra:
        from nttlearn_lti.models import Link, Platform

        platforms = [
            Platform(
                name=f"Walk {n}",
                issuer=f"https://lms{n}.example",
                client_id="walk",
                deployment_ids=["1"],
                auth_login_url=f"https://lms{n}.example/auth",
                auth_token_url=f"https://lms{n}.example/token",
                key_set_url=f"https://lms{n}.example/jwks",
            )
            for n in (1, 2)
        ]
        db.session.add_all(platforms)
        db.session.flush()
        link = Link(
            platform_id=platforms[0].id,
            deployment_id="1",
            resource_link_id="walk-link",
            course_id=w.course.id,
            ags_scopes=[],
        )
        db.session.add(link)
        db.session.commit()
        w.extra["lti"] = {
            "platform_id": platforms[0].id,
            "doomed_platform_id": platforms[1].id,
            "link_id": link.id,
            "course_id": w.course.id,
        }
    return w.extra["lti"]


def _lti(**names: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {arg: _lti_world(w)[key] for arg, key in names.items()}


ROUTES: list[Route] = [
    Route(
        "lti.static",
        "GET",
        Expect(200, 200, 200, 200),
        args=lambda w: {"filename": "lti.js"},
        plugin="lti",
    ),
    Route("lti.jwks", "GET", Expect(200, 200, 200, 200), plugin="lti"),
    Route("lti.login", "GET", Expect(400, 400, 400, 400), plugin="lti"),
    Route("lti.login", "POST", Expect(400, 400, 400, 400), plugin="lti"),
    Route("lti.launch", "POST", Expect(400, 400, 400, 400), plugin="lti"),
    # Trainers only, and only after a deep-linking launch from a platform (400 otherwise).
    Route("lti.deep_link", "GET", Expect(302, 403, 400, 400), plugin="lti"),
    Route("lti.deep_link", "POST", Expect(302, 403, 400, 400), plugin="lti"),
    Route(
        "lti.course_links",
        "GET",
        Expect(302, 403, 403, 200),
        args=_lti(course_id="course_id"),
        plugin="lti",
    ),
    # The link offers no member list: the trainers' page says so.
    Route(
        "lti.sync_members",
        "POST",
        Expect(302, 403, 403, 302),
        args=_lti(link_id="link_id"),
        plugin="lti",
    ),
    Route("lti.platforms", "GET", LTI_ADMIN, plugin="lti"),
    Route("lti.new_platform", "GET", LTI_ADMIN, plugin="lti"),
    # An empty form is re-shown with its errors.
    Route("lti.new_platform", "POST", Expect(302, 403, 403, 400), plugin="lti"),
    Route(
        "lti.edit_platform", "GET", LTI_ADMIN, args=_lti(platform_id="platform_id"), plugin="lti"
    ),
    Route(
        "lti.edit_platform",
        "POST",
        Expect(302, 403, 403, 400),
        args=_lti(platform_id="platform_id"),
        plugin="lti",
    ),
    Route(
        "lti.delete_platform",
        "POST",
        Expect(302, 403, 403, 302),
        args=_lti(platform_id="doomed_platform_id"),
        plugin="lti",
    ),
]
