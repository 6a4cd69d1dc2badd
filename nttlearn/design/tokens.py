"""The colour tokens of ``static/style.css``, read from the file itself, and the contrast of each
pair the pages put together (text on its background, a control's edge on the page), in the light
and the dark scheme. The file is the one source: the /design page, ``docs/design.md`` (``python -m
nttlearn.design.tokens`` prints its table) and the test that holds every pair to WCAG AA read it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "style.css"
TOKEN = re.compile(r"--(color-[a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;")
SCALE = re.compile(r"--((?:text|space|radius|shadow)-[a-z0-9]+):\s*([^;]+);")
DARK = "@media (prefers-color-scheme: dark)"
TEXT, LARGE_OR_UI = 4.5, 3.0  # WCAG 2.2 1.4.3 and 1.4.11


@dataclass(frozen=True)
class Pair:
    """A foreground drawn on a background somewhere on the site, and the ratio it must reach."""

    foreground: str
    background: str
    minimum: float
    use: str


PAIRS = (
    Pair("color-text", "color-bg", TEXT, "body text on the page"),
    Pair("color-text", "color-surface", TEXT, "text on a card"),
    Pair("color-text", "color-surface-alt", TEXT, "table headings, code"),
    Pair("color-text-muted", "color-bg", TEXT, "help and secondary text on the page"),
    Pair("color-text-muted", "color-surface", TEXT, "help and secondary text on a card"),
    Pair("color-text-muted", "color-surface-alt", TEXT, "disabled button label"),
    Pair("color-link", "color-bg", TEXT, "a link on the page"),
    Pair("color-link", "color-surface", TEXT, "a link on a card"),
    Pair("color-link-hover", "color-surface", TEXT, "a link under the pointer"),
    Pair("color-on-primary", "color-primary", TEXT, "primary button"),
    Pair("color-on-primary", "color-primary-hover", TEXT, "primary button under the pointer"),
    Pair("color-on-danger", "color-danger", TEXT, "danger button"),
    Pair("color-on-danger", "color-danger-hover", TEXT, "danger button under the pointer"),
    Pair("color-header-text", "color-header-bg", TEXT, "the site's header"),
    Pair("color-text", "color-info-bg", TEXT, "text in an information alert"),
    Pair("color-text", "color-success-bg", TEXT, "text in a success alert"),
    Pair("color-text", "color-warning-bg", TEXT, "text in a warning alert"),
    Pair("color-text", "color-danger-bg", TEXT, "text in an error alert"),
    Pair("color-info", "color-info-bg", TEXT, "information badge, tag"),
    Pair("color-success", "color-success-bg", TEXT, "success badge"),
    Pair("color-warning", "color-warning-bg", TEXT, "warning badge"),
    Pair("color-danger", "color-danger-bg", TEXT, "error badge"),
    Pair("color-success", "color-surface", TEXT, "a done state, an enabled plugin"),
    Pair("color-warning", "color-surface", TEXT, "a locked reason"),
    Pair("color-danger", "color-surface", TEXT, "a field's error message"),
    Pair("color-text", "color-highlight", TEXT, "a highlighted table row"),
    Pair("color-border-strong", "color-surface", LARGE_OR_UI, "the edge of a field or button"),
    Pair("color-border-strong", "color-bg", LARGE_OR_UI, "the edge of a field on the page"),
    Pair("color-primary", "color-surface", LARGE_OR_UI, "a ticked box, a progress bar"),
    Pair("color-focus-outer", "color-bg", LARGE_OR_UI, "the focus outline on the page"),
    Pair("color-focus-outer", "color-surface", LARGE_OR_UI, "the focus outline on a card"),
    Pair("color-chart-1", "color-surface", LARGE_OR_UI, "first chart series"),
    Pair("color-chart-2", "color-surface", LARGE_OR_UI, "second chart series"),
    Pair("color-chart-axis", "color-surface", LARGE_OR_UI, "a chart's axis"),
)


@cache
def colour_tokens() -> dict[str, dict[str, str]]:
    """``{"light": {"color-text": "#1b1f24", …}, "dark": {…}}``: the dark scheme overrides the light one."""
    css = STYLESHEET.read_text(encoding="utf-8")
    light_part, _, dark_part = css.partition(DARK)
    light = dict(TOKEN.findall(light_part.split("\n}", 1)[0]))
    dark_block = dark_part.split("\n}", 1)[0]
    return {"light": light, "dark": {**light, **dict(TOKEN.findall(dark_block))}}


@cache
def scale_tokens() -> dict[str, str]:
    """The type scale, spacing, radii and shadows: ``{"text-sm": ".9rem", "space-1": ".25rem", …}``."""
    css = STYLESHEET.read_text(encoding="utf-8")
    return {
        name: value.strip()
        for name, value in SCALE.findall(css.partition(DARK)[0].split("\n}", 1)[0])
    }


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Measured:
    pair: Pair
    light: float
    dark: float

    @property
    def passes(self) -> bool:
        return min(self.light, self.dark) >= self.pair.minimum


def measured_pairs() -> list[Measured]:
    tokens = colour_tokens()
    return [
        Measured(
            pair,
            *(
                round(contrast(tokens[scheme][pair.foreground], tokens[scheme][pair.background]), 2)
                for scheme in ("light", "dark")
            ),
        )
        for pair in PAIRS
    ]


def markdown_table() -> str:
    """The contrast table of ``docs/design.md``."""
    rows = [
        "| Foreground | Background | Used for | Needs | Light | Dark |",
        "|---|---|---|---|---|---|",
    ]
    rows += [
        f"| `--{m.pair.foreground}` | `--{m.pair.background}` | {m.pair.use} | {m.pair.minimum}:1 "
        f"| {m.light:.2f}:1 | {m.dark:.2f}:1 |"
        for m in measured_pairs()
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
