"""``make screenshots``: PNGs of the main pages, as each demo role sees them, at 1280 and 360 px.

Builds a throw-away instance (``nttlearn init``, ``nttlearn demo``, the peer-review demo at the
review stage) on a temporary SQLite database, serves it with gunicorn on a free local port, logs in
as each demo role in Debian's headless chromium (through Playwright) and saves one full-page PNG per
page and width into ``screenshots/`` (git-ignored), named ``<role>-<page>-<width>.png``; with
``--dark`` (``make screenshots ARGS=--dark``) each also in the dark colour scheme, ``…-dark.png``.

For reviewing a visual change: run it before and after, and compare the folders.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import REPO, Gunicorn, instance_env, nttlearn, serve  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WIDTHS = (1280, 360)
PASSWORDS = {
    "learner": "learner-demo-2010",
    "trainer": "trainer-demo-2010",
    "admin": "admin-demo-2010",
}
MAIN_COURSE = "designing-twinned-town-networks"


@dataclass(frozen=True)
class Shot:
    role: str  # "anonymous", or a demo account's role
    name: str
    path: str


def demo_paths(env: dict[str, str]) -> tuple[list[Shot], str]:
    """Every page to photograph, with the ids the demo gave its objects, and the e-mail of a learner
    who has a review to write (the peer-review demo allocates reviewers among the officials)."""
    os.environ.update(env)
    from nttlearn import create_app
    from nttlearn.extensions import db
    from nttlearn.models import Activity, Course, Lesson, Module, User

    app = create_app()
    with app.app_context():
        course = db.session.execute(db.select(Course).filter_by(slug=MAIN_COURSE)).scalar_one()
        lesson = (
            db.session.execute(
                db.select(Lesson)
                .join(Module)
                .where(Module.course_id == course.id)
                .order_by(Module.position, Lesson.position)
            )
            .scalars()
            .first()
        )

        def activity(type_key: str) -> Activity | None:
            return (
                db.session.execute(
                    db.select(Activity)
                    .join(Module)
                    .where(Module.course_id == course.id, Activity.type_key == type_key)
                    .order_by(Module.position)
                )
                .scalars()
                .first()
            )

        quiz, proposal = activity("quiz"), activity("proposal")
        reviewer, allocation_id = "learner@example.org", None
        try:
            from nttlearn_peer_review.models import Allocation

            allocation = (
                db.session.execute(db.select(Allocation).order_by(Allocation.id)).scalars().first()
            )
            if allocation is not None:
                allocation_id = allocation.id
                reviewer = db.session.get(User, allocation.reviewer_id).email
        except ImportError:  # the peer-review plugin is not installed
            pass
    base = f"/courses/{course.slug}"
    shots = [
        Shot("anonymous", "catalogue", "/"),
        Shot("learner", "catalogue", "/"),
        Shot("learner", "dashboard", "/dashboard"),
        Shot("learner", "course", base),
        Shot("learner", "lesson", f"{base}/lessons/{lesson.id}"),
    ]
    if quiz is not None:
        shots.append(Shot("learner", "quiz", f"/quiz/{quiz.id}"))
    if proposal is not None:
        shots.append(Shot("learner", "proposal-workspace", f"/peer-review/{proposal.id}/proposal"))
    if allocation_id is not None:
        shots.append(Shot("reviewer", "review", f"/peer-review/reviews/{allocation_id}"))
    shots += [
        Shot("trainer", "dashboard", "/dashboard"),
        Shot("trainer", "progress", f"/teach/courses/{course.id}/progress"),
        Shot("trainer", "reports", f"/reports/courses/{course.id}"),
        Shot("admin", "users", "/admin/users"),
        Shot("admin", "plugins", "/admin/plugins"),
        Shot("admin", "design", "/design"),
    ]
    return shots, reviewer


def build_instance(instance: Path) -> dict[str, str]:
    env = instance_env(instance)
    for step in (["init"], ["demo"], ["peer_review", "demo", "--stage", "review"]):
        started = time.perf_counter()
        nttlearn(env, *step)
        print(f"nttlearn {' '.join(step)}: {time.perf_counter() - started:.1f} s", flush=True)
    return env


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    if "/login" in page.url:
        raise SystemExit(f"could not log in as {email}")


def take(
    browser,
    base_url: str,
    shots: list[Shot],
    accounts: dict[str, tuple[str, str]],
    target: Path,
    progress: Callable[[str], None],
    scheme: str = "light",
) -> list[str]:
    """Save every shot; returns the pages that did not answer 200 (photographed all the same)."""
    failed = []
    suffix = "" if scheme == "light" else f"-{scheme}"
    for role in dict.fromkeys(shot.role for shot in shots):
        context = browser.new_context(
            viewport={"width": WIDTHS[0], "height": 900}, locale="en-GB", color_scheme=scheme
        )
        page = context.new_page()
        if role != "anonymous":
            log_in(page, base_url, *accounts[role])
        for shot in (s for s in shots if s.role == role):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900 if width > 600 else 780})
                response = page.goto(base_url + shot.path)
                page.wait_for_load_state("networkidle")
                status = response.status if response is not None else 0
                file = target / f"{role}-{shot.name}-{width}{suffix}.png"
                page.screenshot(path=str(file), full_page=True)
                if status != 200:
                    failed.append(f"{file.name}: {shot.path} answered {status}")
                progress(f"{file.name}  ({shot.path}, HTTP {status})")
        context.close()
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "screenshots", help="folder for the PNGs"
    )
    parser.add_argument(
        "--dark",
        action="store_true",
        help="also photograph every page in the dark colour scheme (<name>-dark.png)",
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit("screenshots need Debian's chromium at /usr/bin/chromium: `make chromium`")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nttlearn-screenshots-") as folder:
        env = build_instance(Path(folder))
        shots, reviewer = demo_paths(env)
        accounts = {
            "learner": ("learner@example.org", PASSWORDS["learner"]),
            "reviewer": (reviewer, PASSWORDS["learner"]),
            "trainer": ("trainer@example.org", PASSWORDS["trainer"]),
            "admin": ("admin@example.org", PASSWORDS["admin"]),
        }
        with (
            serve("nttlearn", "wsgi:app", env, Gunicorn(workers=1, threads=4)) as server,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                failed = []
                for scheme in ("light", "dark") if args.dark else ("light",):
                    failed += take(
                        browser,
                        f"http://127.0.0.1:{server.port}",
                        shots,
                        accounts,
                        args.out,
                        print,
                        scheme,
                    )
            finally:
                browser.close()
    print(f"{len(shots) * len(WIDTHS) * (2 if args.dark else 1)} screenshots in {args.out}")
    if failed:
        raise SystemExit("pages that did not answer 200:\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
