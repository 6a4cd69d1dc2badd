"""The design system: the colour tokens of ``static/style.css``, their contrast, and the /design page."""
