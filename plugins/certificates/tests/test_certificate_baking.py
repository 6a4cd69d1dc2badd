"""Baking a credential into a PNG badge (iTXt 'openbadgecredential') and reading it back."""

import io
import json
import struct
import zlib

import pytest
from certificate_samples import unsigned_credential
from PIL import Image, PngImagePlugin

from nttlearn_certificates.baking import BakingError, badge_png, bake_png, unbake_png


@pytest.fixture(scope="module")
def badge() -> bytes:
    return badge_png("Twinned-town networks: Luleå, La Coruña, Jyväskylä")


def test_badge_is_a_square_png_with_transparent_corners(badge):
    image = Image.open(io.BytesIO(badge))
    assert image.format == "PNG" and image.size == (512, 512) and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((256, 256))[3] == 255


def test_a_json_credential_round_trips(badge):
    credential = unsigned_credential()
    baked = bake_png(badge, credential)
    assert json.loads(unbake_png(baked)) == credential


def test_a_jwt_round_trips(badge):
    token = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl"
    assert unbake_png(bake_png(badge, token)) == token


def test_baking_keeps_the_picture_and_uses_the_open_badges_keyword(badge):
    baked = bake_png(badge, {"name": "Luleå"})
    image = Image.open(io.BytesIO(baked))
    assert image.text == {"openbadgecredential": '{"name":"Luleå"}'}
    assert image.tobytes() == Image.open(io.BytesIO(badge)).tobytes()


def test_baking_again_replaces_the_earlier_credential(badge):
    baked = bake_png(bake_png(badge, "first.token.x"), "second.token.y")
    assert unbake_png(baked) == "second.token.y"
    assert baked.count(b"openbadgecredential") == 1


def test_a_compressed_itxt_written_by_another_tool_is_read(badge):
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", '{"name":"Città"}', zip=True)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(badge)).save(buffer, format="PNG", pnginfo=info)
    assert unbake_png(buffer.getvalue()) == '{"name":"Città"}'


def test_an_image_without_a_credential_gives_none(badge):
    assert unbake_png(badge) is None


def test_bytes_that_are_not_a_png_are_refused(badge):
    with pytest.raises(BakingError):
        unbake_png(b"GIF89a not a png")
    with pytest.raises(BakingError):
        bake_png(badge[:100], "x.y.z")
    damaged = bytearray(badge)
    damaged[20] ^= 0xFF  # inside IHDR: its CRC no longer matches
    with pytest.raises(BakingError, match="CRC"):
        unbake_png(bytes(damaged))


def test_a_decompression_bomb_is_refused(badge):
    text = zlib.compress(b"x" * 20_000_000)
    data = b"openbadgecredential\0\x01\x00\0\0" + text
    chunk = (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )
    bomb = badge[:-12] + chunk + badge[-12:]
    with pytest.raises(BakingError, match="large"):
        unbake_png(bomb)
