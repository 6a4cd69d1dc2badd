"""Asking before a deletion, on a page of its own (no JavaScript dialog needed).

A delete button posts without ``confirmed``; the view checks its permissions, then answers with
:func:`confirmation_page`, which says what will go and posts the same form again with
``confirmed=1``. Only that second POST deletes. Views call :func:`confirmed` to tell the two apart.
"""

from __future__ import annotations

from flask import render_template, request


def confirmed() -> bool:
    """Whether this POST comes from the confirmation page."""
    return request.form.get("confirmed") == "1"


def confirmation_page(
    *,
    title: str,
    question: str,
    consequences: list[str],
    button: str,
    cancel_url: str,
    action: str | None = None,
) -> str:
    """The page that asks: ``question`` with ``consequences`` (what goes, what is kept), a
    ``button`` that posts to ``action`` (this request's URL by default) with the fields of this
    POST and ``confirmed=1``, and a link back to ``cancel_url``."""
    fields = {
        name: value
        for name, value in request.form.items()
        if name not in ("csrf_token", "confirmed")
    }
    return render_template(
        "confirm.html",
        title=title,
        question=question,
        consequences=consequences,
        button=button,
        cancel_url=cancel_url,
        action=action or request.path,
        fields=fields,
    )
