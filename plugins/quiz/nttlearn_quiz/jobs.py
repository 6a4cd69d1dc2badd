"""The quiz's periodic jobs (``nttlearn_periodic_jobs``): run by the site's scheduler."""

from __future__ import annotations

from datetime import timedelta

from nttlearn.api import PeriodicJob


def close_overdue_attempts() -> None:
    """What ``nttlearn quiz close-overdue`` does: attempts whose time is up are submitted as they
    stand, so that the trainer's results and the learner's certificate do not wait for the
    learner to come back."""
    from .services import close_overdue

    close_overdue()


PERIODIC_JOBS = [PeriodicJob("quiz.close-overdue", close_overdue_attempts, timedelta(minutes=5))]
