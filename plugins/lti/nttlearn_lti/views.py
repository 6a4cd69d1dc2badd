"""The LTI endpoints (blueprint ``lti``): the tool's JWKS, OIDC login initiation, the launch,
deep linking, and the trainers' page of a course's platform links (member sync)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem
from wtforms import SelectChoice

from nttlearn.api import (
    Activity,
    Course,
    Module,
    call_hook,
    can_manage_course,
    csrf_exempt,
    db,
    limiter,
    localized,
    public,
    require_login,
    require_trainer,
    start_session,
)

from . import members
from .accounts import account_for, place_in_course, teaches
from .config import DatabaseToolConf, find_platform, registration_for
from .forms import DeepLinkForm, SyncForm
from .models import Launch, Link, Platform
from .sessions import DatabaseSessionService, ReplayedLaunch, consume_nonce

# The blueprint's name is the plugin's name: the core answers 404 for it when the plugin is off.
bp = Blueprint(
    "lti", __name__, url_prefix="/lti", template_folder="templates", static_folder="static"
)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINK_SESSION = "lti_deep_link"
#: Logins started from one address per minute: each stores a nonce, so a flood is refused early.
LOGINS_PER_MINUTE = 300


def refuse(reason: str, detail: str = "", status: int = 400):
    return render_template("lti/refused.html", reason=reason, detail=detail), status


def explain(error: LtiException) -> str:
    """A library error in words an admin can act on."""
    text = str(error)
    if isinstance(error, ReplayedLaunch):
        return _(
            "This launch was already used: an id_token is accepted once. Start again from the platform."
        )
    if "Registration not found" in text or "Client id not registered" in text:
        return _("No registered platform has this issuer and client id (the id_token's audience).")
    if "deployment" in text.lower():
        return _("The deployment id is not registered for this platform.")
    if "Nonce" in text or "nonce" in text:
        return _("The id_token's nonce does not belong to a login started here.")
    if "State" in text or "state" in text:
        return _("The login state is missing or does not match: start again from the platform.")
    if "decode id_token" in text or "public key" in text or "KID" in text:
        return _(
            "The id_token's signature or validity dates could not be verified with the platform's keys."
        )
    return _("The launch message is not valid.")


def tool_conf() -> DatabaseToolConf:
    return DatabaseToolConf()


@bp.route("/jwks.json")
@public
def jwks():
    """The tool's public keys, which platforms verify our messages and service tokens with."""
    from .keys import jwks as tool_jwks

    response = jsonify(tool_jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """OIDC third-party login initiation: the platform sends us here, we send it back our nonce."""
    guard = limiter("lti-logins", LOGINS_PER_MINUTE, 60)
    address = request.remote_addr or "?"
    if guard.blocked(address):
        return refuse(_("Too many logins from this address: try again in a minute."), status=429)
    guard.hit(address)
    params = request.values
    platform = find_platform(params.get("iss"), params.get("client_id"))
    if platform is None:
        return refuse(_("No registered platform has this issuer and client id."))
    target = url_for("lti.launch", _external=True)
    oidc = FlaskOIDCLogin(
        FlaskRequest(), tool_conf(), session_service=DatabaseSessionService(FlaskRequest())
    )
    try:
        return oidc.disable_check_cookies().redirect(target)
    except LtiException as error:
        return refuse(explain(error), str(error))


def _activity_url(activity: Activity) -> str:
    for types in call_hook("nttlearn_activity_types"):
        for kind in types or []:
            if kind.key == activity.type_key:
                return kind.url(activity)
    return ""


def _target(platform: Platform, data: dict[str, Any]) -> tuple[Course, Activity | None] | None:
    """The course (and activity) a resource link opens: its custom parameters, set by deep linking
    or by the platform's admin (``nttlearn_course=<slug>``, ``nttlearn_activity=<id>``)."""
    custom = data.get(CLAIM + "custom") or {}
    course = None
    activity = None
    if str(custom.get("nttlearn_activity") or "").isdigit():
        activity = db.session.get(Activity, int(custom["nttlearn_activity"]))
        if activity is not None:
            module = db.session.get(Module, activity.module_id)
            course = db.session.get(Course, module.course_id) if module else None
    if course is None and custom.get("nttlearn_course"):
        course = db.session.execute(
            db.select(Course).where(Course.slug == str(custom["nttlearn_course"]))
        ).scalar()
        activity = None
    if course is None or course.archived:
        return None
    return course, activity


def _remember_link(
    platform: Platform, data: dict[str, Any], course: Course, activity: Activity | None
) -> Link:
    resource = (data.get(CLAIM + "resource_link") or {}).get("id") or ""
    link = db.session.execute(
        db.select(Link).where(Link.platform_id == platform.id, Link.resource_link_id == resource)
    ).scalar()
    if link is None:
        link = Link(platform_id=platform.id, resource_link_id=resource)
        db.session.add(link)
    context = data.get(CLAIM + "context") or {}
    ags = data.get(AGS_CLAIM) or {}
    nrps = data.get(NRPS_CLAIM) or {}
    link.deployment_id = data.get(CLAIM + "deployment_id") or ""
    link.context_id = str(context.get("id") or "")[:255]
    link.context_title = str(context.get("title") or "")[:500]
    link.course_id, link.activity_id = course.id, activity.id if activity else None
    if ags.get("lineitem"):
        link.lineitem_url, link.ags_scopes = ags["lineitem"], list(ags.get("scope") or [])
    if nrps.get("context_memberships_url"):
        link.memberships_url = nrps["context_memberships_url"]
    db.session.flush()
    return link


@bp.route("/launch", methods=["POST"])
@public
def launch():
    """The platform's id_token: verified (signature with the platform's JWKS, issuer, audience,
    nonce, state, expiry, deployment), then the person is logged in and sent where the link points."""
    message = FlaskMessageLaunch(
        FlaskRequest(), tool_conf(), session_service=DatabaseSessionService(FlaskRequest())
    )
    try:
        data = message.get_launch_data()
        consume_nonce(data["nonce"])
    except LtiException as error:
        db.session.rollback()
        return refuse(explain(error), str(error))
    # The library keeps the whole launch in the session; we keep only what we need.
    session.pop(message.get_launch_id(), None)
    platform = find_platform(data["iss"], message.get_client_id())
    if platform is None:  # pragma: no cover - the library found its registration
        abort(400)
    roles = data.get(CLAIM + "roles") or []
    trainer = teaches(roles)
    user = account_for(platform, str(data["sub"]), data, trainer=trainer)
    if not user.active or user.deleted_at is not None:
        db.session.commit()
        return refuse(_("Your nttlearn account is closed."), status=403)
    if message.is_deep_link_launch():
        if not trainer:
            db.session.commit()
            return refuse(
                _("Only teachers can choose nttlearn content for the platform."), status=403
            )
        start_session(user)
        session[DEEP_LINK_SESSION] = {
            "platform_id": platform.id,
            "deployment_id": data[CLAIM + "deployment_id"],
            "settings": data.get(
                "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
            )
            or {},
        }
        return redirect(url_for("lti.deep_link"))
    target = _target(platform, data)
    if target is None:
        db.session.commit()
        return refuse(
            _("This link does not name an nttlearn course: set it up again with deep linking."),
            status=404,
        )
    course, activity = target
    link = _remember_link(platform, data, course, activity)
    place_in_course(user, course, trainer=trainer)
    if (
        db.session.execute(
            db.select(Launch.id).where(Launch.link_id == link.id, Launch.user_id == user.id)
        ).first()
        is None
    ):
        db.session.add(Launch(link_id=link.id, user_id=user.id, sub=str(data["sub"])))
    start_session(user)  # commits
    if activity is not None and (url := _activity_url(activity)):
        return redirect(url)
    return redirect(url_for("learn.course", slug=course.slug))


def _choices() -> list[SelectChoice]:
    courses = db.session.execute(
        db.select(Course).where(Course.archived.is_(False)).order_by(Course.title)
    ).scalars()
    choices = []
    for course in courses:
        if not (course.published or can_manage_course(current_user, course)):
            continue
        choices.append(SelectChoice(f"course:{course.id}", localized(course)))
        activities = db.session.execute(
            db.select(Activity)
            .join(Module, Module.id == Activity.module_id)
            .where(Module.course_id == course.id, Activity.archived.is_(False))
            .order_by(Module.position, Activity.position)
        ).scalars()
        choices.extend(
            SelectChoice(f"activity:{a.id}", f"{localized(course)} › {localized(a)}")
            for a in activities
        )
    return choices


@bp.route("/deep-link", methods=["GET", "POST"])
@require_trainer
def deep_link():
    """A teacher on the platform picks a course or activity; the signed answer goes back to it."""
    pending = session.get(DEEP_LINK_SESSION)
    platform = db.session.get(Platform, pending["platform_id"]) if pending else None
    if platform is None:
        return refuse(_("Start choosing content from your learning platform."), status=400)
    form = DeepLinkForm()
    form.choice.choices = _choices()
    if not form.validate_on_submit():
        return render_template(
            "lti/deep_link.html", form=form, platform=platform
        ), 400 if form.is_submitted() else 200
    kind, _sep, ident = form.choice.data.partition(":")
    if kind == "course":
        course = db.get_or_404(Course, int(ident))
        title, custom = localized(course), {"nttlearn_course": course.slug}
    else:
        activity = db.get_or_404(Activity, int(ident))
        title, custom = localized(activity), {"nttlearn_activity": str(activity.id)}
    resource = (
        DeepLinkResource()
        .set_url(url_for("lti.launch", _external=True))
        .set_custom_params(custom)
        .set_title(title)
    )
    settings = pending["settings"]
    if "ltiResourceLink" in (settings.get("accept_types") or ["ltiResourceLink"]):
        resource.set_lineitem(LineItem().set_score_maximum(100).set_label(title))
    jwt_value = DeepLink(
        registration_for(platform), pending["deployment_id"], settings
    ).get_response_jwt([resource])
    session.pop(DEEP_LINK_SESSION, None)
    return_url = str(settings.get("deep_link_return_url") or "")
    response = make_response(
        render_template("lti/deep_link_return.html", url=return_url, jwt=jwt_value)
    )
    response.headers["Content-Security-Policy"] = return_page_policy(return_url)
    return response


def return_page_policy(return_url: str) -> str:
    """The core's Content-Security-Policy, whose ``form-action 'self'`` also lets this one page
    post to the platform's deep-linking return URL (a browser blocks the form otherwise)."""
    target = urlsplit(return_url)
    origin = ""
    if target.scheme in ("http", "https") and re.fullmatch(
        r"[A-Za-z0-9.\-]+(:[0-9]+)?", target.netloc
    ):
        origin = f"{target.scheme}://{target.netloc}"
    return (
        f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"object-src 'none'; base-uri 'self'; form-action 'self' {origin}".rstrip()
        + "; frame-ancestors 'none'"
    )


@bp.route("/courses/<int:course_id>/links")
@require_login
def course_links(course_id: int):
    """The trainers' list of the platform links that open this course, with member sync."""
    course = db.get_or_404(Course, course_id)
    if not can_manage_course(current_user, course):
        abort(403)
    links = db.session.execute(
        db.select(Link, Platform)
        .join(Platform, Platform.id == Link.platform_id)
        .where(Link.course_id == course.id)
        .order_by(Link.id)
    ).all()
    return render_template("lti/course_links.html", course=course, links=links, form=SyncForm())


@bp.route("/links/<int:link_id>/sync", methods=["POST"])
@require_login
def sync_members(link_id: int):
    """Names and Role Provisioning: enrol the platform context's active learners, staff its teachers."""
    link = db.get_or_404(Link, link_id)
    if not can_manage_course(current_user, link.course_id):
        abort(403)
    if not SyncForm().validate_on_submit():
        abort(400)
    if not link.memberships_url:
        flash(_("The platform has not offered its member list for this link."), "error")
        return redirect(url_for("lti.course_links", course_id=link.course_id))
    try:
        result = members.sync(link)
    except (LtiException, members.SyncError) as error:
        db.session.rollback()
        flash(_("The member list could not be read: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("lti.course_links", course_id=link.course_id))
    db.session.commit()
    flash(
        _(
            "Learners enrolled from the platform: %(learners)d. Trainers added: %(trainers)d.",
            learners=result.learners,
            trainers=result.trainers,
        ),
        "success",
    )
    return redirect(url_for("lti.course_links", course_id=link.course_id))


csrf_exempt(login)
csrf_exempt(launch)
