"""Rebuild the certificate fonts shipped in ``nttlearn_certificates/fonts/`` from DejaVu.

The full DejaVu files hold about 6,000 glyphs each; parsing and subsetting them made a
certificate take over 100 ms. The plugin ships them cut down to the Latin, Greek and Cyrillic
blocks (every Latin letter Unicode defines, with combining marks, punctuation and currency
signs), which keeps every name the platform's learners write and halves rendering time.
Certificates are drawn without text shaping, so the OpenType layout tables (GSUB, GPOS, GDEF)
and glyph names are left out too: fpdf2 drops them from the PDF anyway, and reading them
again for every certificate cost a third of its time.

Usage: python scripts/subset_fonts.py [/usr/share/fonts/truetype/dejavu]
(needs Debian's fonts-dejavu-core, or the same files from dejavu-fonts.github.io).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf")
UNICODE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0250, 0x036F),  # IPA, spacing modifiers, combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General punctuation
    (0x20A0, 0x20CF),  # Currency symbols
    (0x2100, 0x218F),  # Letterlike symbols, number forms
    (0x2C60, 0x2C7F),  # Latin Extended-C
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFD, 0xFFFD),  # Replacement character
)
TARGET = Path(__file__).resolve().parent.parent / "nttlearn_certificates" / "fonts"


def subset_font(source: Path, target: Path) -> int:
    """Write `source` cut down to `UNICODE_RANGES` as `target`; return its glyph count."""
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False  # a format 3 'post' table: nothing to unpack per certificate
    options.hinting = False  # PDF viewers rasterise without TrueType hints; smaller, faster
    options.drop_tables = [*options.drop_tables, "FFTM", "GSUB", "GPOS", "GDEF", "MATH"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[code for low, high in UNICODE_RANGES for code in range(low, high + 1)]
    )
    subsetter.subset(font)
    font.save(target)
    return len(font.getGlyphOrder())


def main(argv: list[str]) -> int:
    source_dir = Path(argv[1]) if len(argv) > 1 else Path("/usr/share/fonts/truetype/dejavu")
    for name in FONTS:
        glyphs = subset_font(source_dir / name, TARGET / name)
        print(f"{name}: {glyphs} glyphs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
