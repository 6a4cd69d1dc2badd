"""What the example_partner plugin's routes answer to the four visitors of the route-permission walk.

The walk (the core's ``tests/test_route_permissions.py``) collects these rows through
``nttlearn.testing.plugin_route_rows("example_partner")``; ``check_plugin_contract("example_partner")`` checks that
every route of the plugin has one. See ``nttlearn.route_walk`` for the visitors and the world.
"""

from __future__ import annotations

from nttlearn.testing import LOGGED_IN, Expect, Route

ROUTES: list[Route] = [
    Route("example_partner.meetings", "GET", LOGGED_IN, plugin="example_partner"),
    # An empty form is re-shown with its errors (400) to trainers and admins.
    Route(
        "example_partner.add_meeting", "POST", Expect(302, 403, 400, 400), plugin="example_partner"
    ),
]
