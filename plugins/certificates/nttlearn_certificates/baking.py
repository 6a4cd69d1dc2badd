"""Badge images with the credential baked in, as Open Badges 3.0 specifies for PNG.

A baked PNG carries the signed credential (JSON, or a VC-JWT) in an ``iTXt`` chunk with the
keyword ``openbadgecredential``, so the image a learner posts is itself verifiable. `badge_png`
draws a plain round badge for courses that have no image of their own.
"""

from __future__ import annotations

import io
import json
import struct
import textwrap
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from nttlearn_certificates.document import parse_colour

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAKING_KEYWORD = b"openbadgecredential"
FONTS_DIR = Path(__file__).parent / "fonts"
MAX_UNCOMPRESSED_TEXT = 5_000_000


class BakingError(ValueError):
    """The bytes are not a well-formed PNG, so nothing can be baked into or read from them."""


def bake_png(png_bytes: bytes, credential: str | dict) -> bytes:
    """Return the PNG with `credential` (a JSON object, JSON text or a compact JWT) baked in.

    Any credential baked in before is replaced: an image carries at most one.
    """
    text = (
        credential
        if isinstance(credential, str)
        else json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    )
    chunks = [
        chunk
        for chunk in _chunks(png_bytes)
        if not (chunk[0] == b"iTXt" and _itxt_keyword(chunk[1]) == BAKING_KEYWORD)
    ]
    itxt = BAKING_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    chunks.insert(len(chunks) - 1, (b"iTXt", itxt))
    return PNG_SIGNATURE + b"".join(_chunk_bytes(kind, data) for kind, data in chunks)


def unbake_png(png_bytes: bytes) -> str | None:
    """Return the credential text baked into a PNG, or None if it carries none.

    Raises `BakingError` if the bytes are not a well-formed PNG.
    """
    for kind, data in _chunks(png_bytes):
        if kind == b"iTXt" and _itxt_keyword(data) == BAKING_KEYWORD:
            return _itxt_text(data)
    return None


def badge_png(
    label: str,
    *,
    primary_colour: str = "#1F3A5F",
    accent_colour: str = "#B08D57",
    size: int = 512,
) -> bytes:
    """Return a round PNG badge (transparent corners) with `label` written across it."""
    primary, accent = parse_colour(primary_colour), parse_colour(accent_colour)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size // 32
    draw.ellipse((margin, margin, size - margin, size - margin), fill=accent)
    ring = size // 14
    draw.ellipse((ring, ring, size - ring, size - ring), fill=primary)
    inner = ring + size // 40
    draw.ellipse(
        (inner, inner, size - inner, size - inner),
        outline=(255, 255, 255),
        width=max(1, size // 170),
    )
    font, lines = _fit_label(label, width=int(size * 0.62), height=int(size * 0.5), size=size)
    line_height = font.getbbox("Åg")[3] + size // 60
    y = (size - line_height * len(lines)) / 2
    for line in lines:
        draw.text((size / 2, y), line, font=font, fill=(255, 255, 255), anchor="ma")
        y += line_height
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _fit_label(label: str, *, width: int, height: int, size: int):
    font_path = str(FONTS_DIR / "DejaVuSans-Bold.ttf")
    text = " ".join(label.split()) or "…"
    for points in range(size // 8, size // 40, -max(1, size // 128)):
        font = ImageFont.truetype(font_path, points)
        average = max(1.0, font.getlength("abcdefghij") / 10)
        lines = textwrap.wrap(text, width=max(4, int(width / average))) or [text]
        line_height = font.getbbox("Åg")[3] + size // 60
        if (
            len(lines) <= 5
            and line_height * len(lines) <= height
            and all(font.getlength(line) <= width for line in lines)
        ):
            return font, lines
    font = ImageFont.truetype(font_path, max(8, size // 40))
    lines = textwrap.wrap(text, width=max(4, int(width / max(1.0, font.getlength("x")))))[:5]
    return font, lines


def _chunks(png_bytes: bytes) -> list[tuple[bytes, bytes]]:
    if not png_bytes.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    chunks: list[tuple[bytes, bytes]] = []
    position = len(PNG_SIGNATURE)
    while position < len(png_bytes):
        if position + 8 > len(png_bytes):
            raise BakingError("truncated PNG chunk header")
        length, kind = struct.unpack(">I4s", png_bytes[position : position + 8])
        end = position + 8 + length + 4
        if end > len(png_bytes):
            raise BakingError("truncated PNG chunk")
        data = png_bytes[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png_bytes[end - 4 : end])
        if zlib.crc32(kind + data) != crc:
            raise BakingError(f"bad CRC in PNG chunk {kind!r}")
        chunks.append((kind, data))
        position = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("the PNG must start with IHDR and end with IEND")
    return chunks


def _chunk_bytes(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _itxt_keyword(data: bytes) -> bytes:
    return data.split(b"\0", 1)[0]


def _itxt_text(data: bytes) -> str:
    try:
        keyword, rest = data.split(b"\0", 1)
        compressed, method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
    except (ValueError, IndexError) as error:
        raise BakingError("malformed iTXt chunk") from error
    if compressed:
        if method != 0:
            raise BakingError("unknown iTXt compression method")
        decompressor = zlib.decompressobj()
        try:
            text = decompressor.decompress(text, MAX_UNCOMPRESSED_TEXT)
        except zlib.error as error:
            raise BakingError("corrupt compressed iTXt text") from error
        if decompressor.unconsumed_tail:
            raise BakingError("the baked credential is implausibly large")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BakingError("the baked credential is not UTF-8 text") from error
