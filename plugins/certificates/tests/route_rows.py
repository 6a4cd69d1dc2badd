"""What the certificates plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("certificates")``; ``check_plugin_contract("certificates")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from typing import Any

from nttlearn.api import db
from nttlearn.testing import (
    ADMINS,
    API_NEEDS_TOKEN,
    LOGGED_IN,
    PUBLIC,
    STAFF_OF_COURSE,
    Expect,
    Route,
    World,
    course_id_args,
    course_slug_args,
)


# -- plugin: certificates ----------------------------------------------------------------------
# A certificate held by world.learner for world.course, issued once per walk (by hand: the walk's
# course is not completed). "Shared" rows use it with its public link switched on.
def _certificate_code(w: World, shared: bool = False) -> str:
    from nttlearn_certificates import services

    if "certificate" not in w.extra:
        w.extra["certificate"] = services.issue_certificate(
            w.learner, w.course, reason="route walk"
        ).code
    cert = services.find_certificate(w.extra["certificate"])
    if shared and not cert.public:
        services.set_public(cert, True)
    db.session.commit()
    return cert.code


def _code(w: World) -> dict[str, Any]:
    return {"code": _certificate_code(w)}


def _shared_code(w: World) -> dict[str, Any]:
    return {"code": _certificate_code(w, shared=True)}


def _course_code(w: World) -> dict[str, Any]:
    return {"course_id": w.course.id, "code": _certificate_code(w)}


def _key_id(w: World) -> dict[str, Any]:
    from nttlearn_certificates import services

    method = services.find_certificate(_certificate_code(w)).credential["proof"][0][
        "verificationMethod"
    ]
    return {"key_id": method.rsplit("/", 1)[1]}


def _status_list_id(w: World) -> dict[str, Any]:
    from nttlearn_certificates import services

    return {"list_id": services.find_certificate(_certificate_code(w)).status_list_id}


HOLDER_STAFF_ADMIN = Expect(302, 200, 404, 200)  # another trainer gets the 404 of an unknown code
ROUTES: list[Route] = [
    Route(
        "certificates.static",
        "GET",
        PUBLIC,
        args=lambda w: {"filename": "certificates.css"},
        plugin="certificates",
    ),
    Route("certificates.verify_form", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.verify", "GET", PUBLIC, args=_code, plugin="certificates"),
    Route("certificates.issuer", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.keys", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.key", "GET", PUBLIC, args=_key_id, plugin="certificates"),
    Route("certificates.revocations", "GET", PUBLIC, plugin="certificates"),
    Route("certificates.status_list", "GET", PUBLIC, args=_status_list_id, plugin="certificates"),
    Route("certificates.achievement", "GET", PUBLIC, args=course_slug_args, plugin="certificates"),
    Route(
        "certificates.achievement_badge",
        "GET",
        PUBLIC,
        args=course_slug_args,
        plugin="certificates",
    ),
    Route("certificates.shared", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route("certificates.shared_pdf", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route(
        "certificates.shared_credential", "GET", PUBLIC, args=_shared_code, plugin="certificates"
    ),
    Route("certificates.shared_badge", "GET", PUBLIC, args=_shared_code, plugin="certificates"),
    Route("certificates.mine", "GET", LOGGED_IN, plugin="certificates"),
    Route("certificates.certificate", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    Route("certificates.pdf", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    Route(
        "certificates.credential_json", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"
    ),
    Route(
        "certificates.credential_jwt", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"
    ),
    Route("certificates.badge", "GET", HOLDER_STAFF_ADMIN, args=_code, plugin="certificates"),
    # Only the holder shares; an empty form switches sharing off and returns to the certificate.
    Route(
        "certificates.share", "POST", Expect(302, 302, 404, 404), args=_code, plugin="certificates"
    ),
    Route(
        "certificates.course", "GET", STAFF_OF_COURSE, args=course_id_args, plugin="certificates"
    ),
    Route(
        "certificates.save_course_rule",
        "POST",
        Expect(302, 403, 403, 302),
        args=course_id_args,
        plugin="certificates",
    ),
    # Empty forms: no learner / no reason / no colours are re-shown with their errors (400).
    Route(
        "certificates.issue",
        "POST",
        Expect(302, 403, 403, 400),
        args=course_id_args,
        plugin="certificates",
    ),
    Route(
        "certificates.bulk",
        "POST",
        Expect(302, 403, 403, 400),
        args=course_id_args,
        plugin="certificates",
    ),
    Route(
        "certificates.revoke",
        "POST",
        Expect(302, 403, 403, 302),
        args=_course_code,
        plugin="certificates",
    ),
    Route(
        "certificates.reissue",
        "POST",
        Expect(302, 403, 403, 302),
        args=_course_code,
        plugin="certificates",
    ),
    Route(
        "certificates.course_template",
        "GET",
        STAFF_OF_COURSE,
        args=course_id_args,
        plugin="certificates",
    ),
    Route(
        "certificates.course_template",
        "POST",
        Expect(302, 403, 403, 400),
        args=course_id_args,
        plugin="certificates",
    ),
    Route(
        "certificates.course_template_preview",
        "GET",
        STAFF_OF_COURSE,
        args=course_id_args,
        plugin="certificates",
    ),
    Route(
        "certificates.course_template_preview",
        "POST",
        Expect(302, 403, 403, 400),
        args=course_id_args,
        plugin="certificates",
    ),
    Route(
        "certificates.delete_course_template",
        "POST",
        Expect(302, 403, 403, 302),
        args=course_id_args,
        plugin="certificates",
    ),
    Route("certificates.site_template", "GET", ADMINS, plugin="certificates"),
    Route("certificates.site_template", "POST", Expect(302, 403, 403, 400), plugin="certificates"),
    Route("certificates.site_template_preview", "GET", ADMINS, plugin="certificates"),
    Route(
        "certificates.site_template_preview",
        "POST",
        Expect(302, 403, 403, 400),
        plugin="certificates",
    ),
    Route("certificates.rotate_key", "POST", Expect(302, 403, 403, 302), plugin="certificates"),
    # The plugin's REST API resources (nttlearn_api_blueprints): a token, never the session.
    Route("certificates_api.list_certificates", "GET", API_NEEDS_TOKEN, plugin="certificates"),
    Route("certificates_api.issue", "POST", API_NEEDS_TOKEN, plugin="certificates"),
    Route(
        "certificates_api.revoke",
        "POST",
        API_NEEDS_TOKEN,
        args=lambda w: {"code": "NTT-0000-0000"},
        plugin="certificates",
    ),
    Route(
        "certificates_api.verification",
        "GET",
        API_NEEDS_TOKEN,
        args=lambda w: {"code": "NTT-0000-0000"},
        plugin="certificates",
    ),
]
