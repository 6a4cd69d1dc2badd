"""Background jobs: work that should not hold up a page (mail, PDFs, big exports) and work that
runs on a schedule, on RQ queues in Redis when ``NTTLEARN_REDIS_URL`` is set, else in the app's
own process after the response. See docs/architecture.md ("Background jobs")."""

from .calls import JobError
from .queueing import claim_once, current_job, enqueue

__all__ = ["JobError", "claim_once", "current_job", "enqueue"]
