"""Large GIFT and Aiken imports as background jobs: a confirmed file with more questions than
``NTTLEARN_QUIZ_IMPORT_JOB_QUESTIONS`` is kept in the file store and imported by a job; the page
the trainer is sent to says whether it is queued, done (with what it did) or failed.

An import is named by its content (course, format, category, text), so the same file confirmed
twice while it waits is queued once (a job key); its state is a small JSON file beside the text
(``quiz/imports/<course id>/<token>.json``), written in the job's transaction.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from nttlearn.api import claim_once, db, enqueue, file_store

QUEUED, DONE, FAILED = "queued", "done", "failed"


def _key(course_id: int, token: str, suffix: str) -> str:
    return f"quiz/imports/{course_id}/{token}.{suffix}"


def import_token(course_id: int, fmt: str, category: str, text: str) -> str:
    content = json.dumps([course_id, fmt, category, text], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(content).hexdigest()[:32]


def import_state(course_id: int, token: str) -> dict[str, Any] | None:
    """What the import has come to (``state``: queued, done or failed), or None if unknown."""
    try:
        return json.loads(file_store().read(_key(course_id, token, "json")))
    except FileNotFoundError:
        return None


def _save_state(course_id: int, token: str, state: dict[str, Any]) -> None:
    file_store().save(_key(course_id, token, "json"), json.dumps(state).encode("utf-8"))


def queue_import(
    course_id: int, text: str, fmt: str, source: str, category: str, user_id: int
) -> str:
    """Keep the file and queue its import; returns the token of its state page. A file that is
    queued already is not queued again."""
    token = import_token(course_id, fmt, category, text)
    if (import_state(course_id, token) or {}).get("state") == QUEUED:
        return token
    file_store().save(_key(course_id, token, "txt"), text.encode("utf-8"))
    _save_state(course_id, token, {"state": QUEUED, "source": source})
    enqueue(
        run_import,
        course_id,
        token,
        fmt,
        source,
        category,
        user_id,
        key=f"quiz-import:{course_id}:{token}",
    )
    return token


def run_import(
    course_id: int, token: str, fmt: str, source: str, category: str, user_id: int
) -> None:
    """The import job: parse the kept file and put its questions into the bank, all or nothing."""
    from . import bank
    from .aiken import parse_aiken
    from .gift import parse_gift
    from .settings import gift_max_questions

    if not claim_once():
        return
    text = file_store().read(_key(course_id, token, "txt")).decode("utf-8")
    result = (parse_aiken if fmt == "aiken" else parse_gift)(
        text, source, max_questions=gift_max_questions()
    )
    state: dict[str, Any] = {"source": source}
    if not result.ok:
        state.update(state=FAILED, error="; ".join(str(e) for e in result.errors[:5]))
    else:
        try:
            with db.session.begin_nested():
                report = bank.import_questions(
                    course_id,
                    result.questions,
                    bank.split_path(category) or ["Imported"],
                    user_id=user_id,
                )
        except bank.BankError as exc:
            state.update(state=FAILED, error=str(exc))
        else:
            state.update(
                state=DONE,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            )
    _save_state(course_id, token, state)
    file_store().delete(_key(course_id, token, "txt"))
