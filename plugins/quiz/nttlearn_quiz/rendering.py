"""Question texts to safe HTML, whatever format the trainer wrote them in, sanitized exactly
like lessons (`nttlearn.content.markdown`): nothing a trainer writes can run in a browser."""

from __future__ import annotations

from markupsafe import Markup, escape

from nttlearn.api import render_markdown, sanitize_html


def render_text(text: str | None, fmt: str = "moodle", media_base: str | None = None) -> Markup:
    """``markdown`` is rendered as in lessons; ``html`` is cleaned; ``moodle`` (Moodle's own
    format) is HTML whose line breaks count; ``plain`` is shown as typed."""
    text = text or ""
    if fmt == "markdown":
        return render_markdown(text, media_base)
    if fmt == "html":
        return sanitize_html(text, media_base)
    if fmt == "plain":
        return Markup("<br>\n").join(escape(line) for line in text.split("\n"))
    return sanitize_html(text.replace("\r\n", "\n").replace("\n", "<br>\n"), media_base)


def render_inline(text: str | None, fmt: str = "moodle", media_base: str | None = None) -> Markup:
    """A short text (an answer, a feedback) without the paragraph Markdown wraps it in."""
    html = str(render_text(text, fmt, media_base)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # noqa: S704 - already sanitized by render_text
