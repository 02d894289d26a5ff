"""Images from users (a council's logo for its packs), read only in the limited reading process.

``read_image`` is the child's side (goldthread.core.untrusted runs it as the reader kind "image"): it opens the
file with Pillow, refuses anything but a PNG or JPEG image within ``MAX_PIXELS`` (checked from the header,
before any pixel is decoded), decodes it, shrinks it to at most ``MAX_SIDE`` pixels on its longer side and
returns it re-encoded as a fresh PNG (metadata, colour profiles and anything else in the file left behind).
``logo_png`` is the parent's side: it runs the read in the limited process and returns the PNG's bytes, or
raises ``UnreadableFile`` with one sentence. Nothing here imports Django.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from .annexa.issues import UnreadableFile
from .untrusted import Limits, Parts, read_untrusted

FORMATS = {"PNG": "PNG", "JPEG": "JPEG"}
MAX_PIXELS = 4000 * 4000  # what a logo may hold before it is decoded
MAX_SIDE = 1200  # the longest side of the PNG kept (a title page shows it a few centimetres wide)
MAX_FILE_BYTES = 5 * 1024**2  # what the upload form takes
LIMITS = Limits(memory_mb=768, seconds=30)  # decoding a 16-megapixel image needs about 64 MB


def read_image(path: Path, *, display_name: str | None = None, progress=None) -> Parts:
    """The child's side: the image as a re-encoded PNG (base64 in ``meta["png"]``), or UnreadableFile."""
    from PIL import Image, UnidentifiedImageError

    name = display_name or path.name
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses a larger image (DecompressionBombError) before decoding
    try:
        with Image.open(path, formats=list(FORMATS)) as image:
            if image.format not in FORMATS:
                raise UnreadableFile(_not_an_image(name))
            width, height = image.size
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise UnreadableFile(_too_large(name, width, height))
            image.load()
            picture = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    except UnreadableFile:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise UnreadableFile(_too_large(name, None, None)) from None
        raise UnreadableFile(_not_an_image(name)) from None
    except (OSError, ValueError, SyntaxError):
        raise UnreadableFile(f"{name} could not be read as an image (it may be damaged): save a fresh copy as PNG "
                             "and upload that.") from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return Parts({"png": base64.b64encode(out.getvalue()).decode("ascii"), "width": picture.width,
                  "height": picture.height})


def _not_an_image(name: str) -> str:
    return f"{name} is not a PNG or JPEG image: save the logo as a PNG or JPEG file and upload that."


def _too_large(name: str, width: int | None, height: int | None) -> str:
    size = f" ({width:,} by {height:,} pixels)" if width and height else ""
    return (f"{name} is too large{size}: a logo may have at most {MAX_PIXELS:,} pixels, such as 4,000 by 4,000; "
            "save a smaller copy and upload that.")


def logo_png(path: str | Path, *, display_name: str | None = None, limits: Limits | None = None) -> tuple[bytes, int,
                                                                                                              int]:
    """Read an uploaded image in the limited reading process: (PNG bytes, width, height), or UnreadableFile."""
    parts = read_untrusted("image", path, display_name=display_name, limits=limits or LIMITS)
    png = base64.b64decode(parts.meta["png"], validate=True)
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise UnreadableFile(_not_an_image(display_name or Path(path).name))
    return png, int(parts.meta["width"]), int(parts.meta["height"])
