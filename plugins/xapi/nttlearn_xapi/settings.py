"""The plugin's settings (``NTTLEARN_XAPI_…``). The LRS password is read from the environment
only and never shown on the plugins page."""

from __future__ import annotations

import os

from flask_babel import lazy_gettext as _l

from nttlearn.api import Setting

PLUGIN = "xapi"
ACTOR_KINDS = ("account", "mbox_sha1sum", "mbox")

ENDPOINT = Setting(
    "endpoint",
    _l("Learning Record Store endpoint"),
    default="",
    description=_l(
        "The LRS's xAPI address, e.g. https://lrs.example.org/xAPI/. Empty: no statements are sent."
    ),
)
USERNAME = Setting(
    "username",
    _l("LRS user name"),
    default="",
    description=_l(
        "The user name for HTTP basic authentication at the LRS; the password is "
        "NTTLEARN_XAPI_PASSWORD, which is not shown here."
    ),
)
ACTOR = Setting(
    "actor",
    _l("How learners are identified"),
    default="account",
    description=_l(
        "account: a pseudonym under this site's address (the default, no e-mail address "
        "leaves the site); mbox_sha1sum: a SHA-1 digest of the e-mail address; mbox: the "
        "e-mail address and name."
    ),
)
TIMEOUT = Setting(
    "timeout",
    _l("LRS timeout (seconds)"),
    default=10,
    description=_l(
        "How long a background job waits for the LRS before the delivery counts as failed."
    ),
)
SETTINGS = [ENDPOINT, USERNAME, ACTOR, TIMEOUT]


def endpoint() -> str:
    """The LRS's xAPI base address without a trailing slash, or "" when xAPI is off."""
    return (ENDPOINT.value(PLUGIN) or "").strip().rstrip("/")


def credentials() -> tuple[str, str] | None:
    username = (USERNAME.value(PLUGIN) or "").strip()
    if not username:
        return None
    return username, os.environ.get("NTTLEARN_XAPI_PASSWORD", "")


def actor_kind() -> str:
    kind = (ACTOR.value(PLUGIN) or "account").strip()
    if kind not in ACTOR_KINDS:
        raise ValueError(
            f"NTTLEARN_XAPI_ACTOR must be one of {', '.join(ACTOR_KINDS)}, not {kind!r}"
        )
    return kind


def timeout() -> int:
    return max(1, int(TIMEOUT.value(PLUGIN)))
