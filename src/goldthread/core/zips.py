"""The checks made on a zip file from a user before anything in it is read (an .xlsx workbook is a zip too):
not too many members, no member that expands far beyond its compressed size (a 'zip bomb'), and not too much
in all once unzipped. Each refusal is one sentence naming the file."""

from __future__ import annotations

import zipfile

from .annexa.issues import UnreadableFile

MAX_UNCOMPRESSED_BYTES = 1024**3  # a large council's Annex A is ~100 MB unzipped; an SSDA903 return far less
MAX_COMPRESSION_RATIO = 200
_LARGE_MEMBER = 10 * 1024**2  # below this, a high ratio is harmless (a sheet of blanks compresses well)


def check_zip(zf: zipfile.ZipFile, name: str, *, max_members: int, holds: str, bomb_hint: str = "") -> None:
    """Raise UnreadableFile unless the zip looks like what it should hold: at most ``max_members`` members (``holds``
    says what, e.g. "a spreadsheet does"), no member expanding more than MAX_COMPRESSION_RATIO times once above
    10 MB, and at most MAX_UNCOMPRESSED_BYTES in all. ``bomb_hint`` ends the zip-bomb sentence."""
    infos = zf.infolist()
    if len(infos) > max_members:
        raise UnreadableFile(f"{name} holds {len(infos):,} files inside it, far more than {holds}, so it was not "
                             "opened.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _LARGE_MEMBER and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise UnreadableFile(f"{name} expands to far more than its size when unzipped (it looks like a "
                                 f"'zip bomb'), so it was not opened{bomb_hint}.")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(f"{name} expands to {total / 1024**3:.1f} GB when unzipped, more than the 1 GB "
                             "goldthread accepts, so it was not opened.")
