"""Bar charts drawn on the server as SVG from the same numbers as the table beside them.

No JavaScript and no CDN; and no ``style`` attributes, which the Content-Security-Policy
forbids: sizes are SVG presentation attributes (``font-size=``), colours are classes that
evaluation.css maps to the core's colour tokens, so the charts follow the light and dark schemes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SERIES = (
    4  # classes series-0 … series-3 in evaluation.css; a fifth series takes the first colour again
)
WIDTH, LABEL_WIDTH, VALUE_WIDTH = 760, 290, 60
BAR, GAP, PAD = 14, 3, 10
MAX_LABEL = 40


@dataclass
class BarChart:
    """``rows`` are ``(label, [value per series])``; one series draws plain bars."""

    title: str
    series: Sequence[str]
    rows: Sequence[tuple[str, Sequence[float]]]
    unit: str = ""
    maximum: float | None = None  # e.g. 100 for percentages, 5 for a Likert mean
    ident: str = "chart"

    def svg(self) -> Markup:
        n = max(1, len(self.series))
        row_height = n * (BAR + GAP) + PAD
        legend = 22 if n > 1 else 0
        height = legend + max(1, len(self.rows)) * row_height + PAD
        top = max([self.maximum or 0] + [v for _, values in self.rows for v in values]) or 1
        span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
        title_id = f"{self.ident}-title"
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{title_id}">',
            f'<title id="{title_id}">{escape(self.title)}</title>',
        ]
        if n > 1:
            x = LABEL_WIDTH
            for i, name in enumerate(self.series):
                out.append(
                    f'<rect x="{x}" y="4" width="12" height="12" class="series-{i % SERIES}"/>'
                    f'<text x="{x + 16}" y="14" font-size="12" class="chart-text">{escape(name)}</text>'
                )
                x += 24 + 8 * len(name)
        if not self.rows:
            out.append(
                f'<text x="{LABEL_WIDTH}" y="{legend + 20}" font-size="13" class="chart-muted">–</text>'
            )
        for r, (label, values) in enumerate(self.rows):
            y0 = legend + r * row_height + PAD // 2
            short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
            out.append(
                f"<g><title>{escape(label)}</title>"
                f'<text x="{LABEL_WIDTH - 8}" y="{y0 + (n * (BAR + GAP)) / 2 + 4:.1f}" font-size="12" '
                f'text-anchor="end" class="chart-text">{escape(short)}</text>'
            )
            for i, value in enumerate(values):
                y = y0 + i * (BAR + GAP)
                width = max(0.0, span * float(value) / top)
                shown = f"{value:g}{self.unit}"
                out.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" '
                    f'class="series-{i % SERIES}"><title>{escape(label)}: {escape(shown)}</title></rect>'
                    f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR - 3}" font-size="12" '
                    f'class="chart-text">{escape(shown)}</text>'
                )
            out.append("</g>")
        out.append(
            f'<line x1="{LABEL_WIDTH}" y1="{legend}" x2="{LABEL_WIDTH}" y2="{height - PAD // 2}" '
            f'class="chart-axis" stroke-width="1"/></svg>'
        )
        return Markup("".join(out))  # noqa: S704 - every text above went through escape()
