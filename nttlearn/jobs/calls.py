"""A job call: which function (by its stable dotted name), with which JSON arguments, how often to
try it, and under which key. What travels through Redis or waits in the database."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

DEFAULT_QUEUE = "default"
DEFAULT_RETRIES = 3
# Seconds before each retry (the last figure repeats): a mail server back after a restart, a
# database after a failover.
BACKOFF = (10, 60, 300)


class JobError(ValueError):
    """A job that cannot be queued as asked (a function a worker cannot import, arguments that
    are not JSON), with a message for the developer."""


@dataclass(frozen=True)
class JobCall:
    name: str
    args: list[Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    key: str | None = None
    queue: str = DEFAULT_QUEUE
    retries: int = DEFAULT_RETRIES
    run_at: datetime | None = None
    periodic: str | None = None  # the periodic job this run belongs to

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["run_at"] = self.run_at.isoformat() if self.run_at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobCall:
        run_at = datetime.fromisoformat(data["run_at"]) if data.get("run_at") else None
        return cls(**{**data, "run_at": run_at})


def job_name(func: Callable[..., Any] | str) -> str:
    """The dotted name a worker imports the function by (``nttlearn.mail.deliver_mail``).

    Only module-level functions have one: a lambda or a nested function could not be found again
    in another process, so it is refused here rather than failing in the worker."""
    if isinstance(func, str):
        name = func
    else:
        name = f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"
    try:
        found = resolve(name)
    except (ImportError, AttributeError, ValueError):
        found = None
    if found is None or (not isinstance(func, str) and found is not func):
        raise JobError(f"{name!r} is not a module-level function a worker can import")
    return name


def resolve(name: str) -> Callable[..., Any]:
    """The function a job name points to."""
    module_name, _, attribute = name.rpartition(".")
    if not module_name:
        raise ValueError(f"not a dotted name: {name!r}")
    function = getattr(importlib.import_module(module_name), attribute)
    if not callable(function):
        raise ValueError(f"{name!r} is not callable")
    return function


def check_arguments(args: tuple[Any, ...]) -> list[Any]:
    """Job arguments travel as JSON: ids, texts, numbers, lists and dicts of them, not objects
    (the worker reads the rows again, as they are when the job runs)."""
    try:
        return json.loads(json.dumps(list(args)))
    except (TypeError, ValueError) as exc:
        raise JobError(f"job arguments must be JSON values (ids, texts, numbers): {exc}") from None
