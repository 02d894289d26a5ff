"""A council's logo is read only in the limited reading process: PNG or JPEG within the pixel limit, re-encoded
as a fresh PNG; anything else refused with one sentence."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from goldthread.core.annexa.issues import UnreadableFile
from goldthread.core.images import MAX_PIXELS, MAX_SIDE, logo_png


def _image(fmt: str, size=(40, 20), mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (29, 112, 184) if mode == "RGB" else (29, 112, 184, 128)).save(out, format=fmt, **options)
    return out.getvalue()


def _read(tmp_path, body: bytes, name: str = "logo.png"):
    path = tmp_path / name
    path.write_bytes(body)
    return logo_png(path, display_name=name)


def test_a_png_or_jpeg_logo_comes_back_as_a_fresh_png(tmp_path):
    with_text = io.BytesIO()
    info = PngInfo()
    info.add_text("Comment", "made by someone")
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(with_text, format="PNG", pnginfo=info)
    png, width, height = _read(tmp_path, with_text.getvalue())
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and (width, height) == (40, 20)
    assert b"made by someone" not in png  # only the pixels are kept
    jpeg, width, height = _read(tmp_path, _image("JPEG", (30, 10)), "logo.jpg")
    assert jpeg.startswith(b"\x89PNG") and Image.open(io.BytesIO(jpeg)).size == (30, 10) == (width, height)


def test_a_large_logo_is_shrunk_to_the_size_a_title_page_needs(tmp_path):
    png, width, height = _read(tmp_path, _image("PNG", (2400, 600)))
    assert (width, height) == (MAX_SIDE, MAX_SIDE // 4)


def _huge_png_header(width: int, height: int) -> bytes:
    """A PNG that declares huge dimensions with almost no data (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("body, name, message", [
    (_image("GIF"), "logo.gif", "logo.gif is not a PNG or JPEG image: save the logo as a PNG or JPEG file"),
    (b"%PDF-1.7 not an image", "logo.png", "logo.png is not a PNG or JPEG image"),
    (b"", "empty.png", "empty.png is not a PNG or JPEG image"),
    (_huge_png_header(50_000, 50_000), "bomb.png", "bomb.png is too large"),
    (_image("PNG")[:60], "cut.png", "cut.png could not be read as an image"),
])
def test_anything_else_is_refused_with_one_sentence(tmp_path, body, name, message):
    with pytest.raises(UnreadableFile) as refused:
        _read(tmp_path, body, name)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
    assert MAX_PIXELS == 16_000_000
