"""Reading an Annex A file in the limited reading process (goldthread.core.untrusted) and getting the
result back.

``read_share`` runs in the child: it reads its share of the sheets (``reader.read_sheets``) and returns what
it found as plain data. For a large file the child forks a second reader, so that each reads about half the
sheets (the machine has two cores and the asking process only waits). The process that asked then
``assemble``s Annex A from their findings. ``read_annex_a_safely`` does all of it; ``start_reading`` returns at once, so a
command can load the measures while the children read. Nothing heavy is imported until a result arrives."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..untrusted import Limits, Parts, Progress, Reading

if TYPE_CHECKING:
    from .reader import AnnexA, SheetsFound

# From this size on (the file, or a folder's files together) a file is read by two processes.
SPLIT_BYTES = 2 * 1024**2


def _issue(issue) -> dict:
    return issue.as_dict()


def share_to_parts(found: SheetsFound) -> Parts:
    candidates, frames = [], {}
    for i, c in enumerate(found.candidates):
        parsed = None
        if c.parsed is not None:
            frames[f"c{i}"] = c.parsed.table
            parsed = {"headers": c.parsed.headers, "rejected": c.parsed.rejected,
                      "issues": [_issue(x) for x in c.parsed.issues]}
        candidates.append({"index": c.index, "sheet": c.sheet, "number": c.number, "has_header": c.has_header,
                           "issues": [_issue(x) for x in c.issues], "parsed": parsed})
    meta = {"candidates": candidates, "unrecognised": [[i, _issue(x)] for i, x in found.unrecognised],
            "saved": found.saved.isoformat() if found.saved else None}
    return Parts(meta, frames)


def share_from_parts(parts: Parts) -> SheetsFound:
    from . import spec as S
    from .issues import Issue
    from .reader import Candidate, ParsedList, SheetsFound

    candidates = []
    for i, c in enumerate(parts.meta["candidates"]):
        parsed = None
        if c["parsed"] is not None:
            parsed = ParsedList(S.BY_NUMBER[c["number"]], c["sheet"], parts.frames[f"c{i}"], c["parsed"]["headers"],
                                [Issue(**x) for x in c["parsed"]["issues"]], c["parsed"]["rejected"])
        candidates.append(Candidate(c["index"], c["sheet"], c["number"], c["has_header"],
                                    [Issue(**x) for x in c["issues"]], parsed))
    saved = parts.meta["saved"]
    return SheetsFound(candidates, [(i, Issue(**x)) for i, x in parts.meta["unrecognised"]],
                       dt.date.fromisoformat(saved) if saved else None)


def read_share(path: Path, *, display_name: str | None = None, progress: Progress | None = None,
               share: list[int] | None = None) -> Parts:
    """The child's side: read this reader's share of the sheets and return what it found as Parts."""
    from .reader import read_sheets

    return share_to_parts(read_sheets(path, progress=progress, share=tuple(share) if share else None,
                                      display_name=display_name))


def readers_for(path: Path) -> int:
    """One reading process, or two for a large file on a machine with more than one core."""
    if (os.cpu_count() or 1) < 2:
        return 1
    try:
        size = (sum(f.stat().st_size for f in path.iterdir() if f.is_file()) if path.is_dir()
                else path.stat().st_size)
    except OSError:
        return 1
    return 2 if size >= SPLIT_BYTES else 1


class AnnexAReading:
    """An Annex A file being read in the limited process (by one or two readers); ``annex()`` waits for it."""

    def __init__(self, reading: Reading, name: str, extract_date: dt.date | None, today: dt.date | None):
        self.reading, self.name, self.extract_date, self.today = reading, name, extract_date, today

    def annex(self) -> AnnexA:
        from .reader import assemble

        found = [share_from_parts(parts) for parts in self.reading.results()]
        return assemble(found, name=self.name, extract_date=self.extract_date, today=self.today)


# A read started before the program had loaded what it needs to use it (goldthread.cli starts one for
# `goldthread measures FILE`): (resolved path, extract date) -> the reading, taken by the first start_reading.
_EARLY: dict[tuple[str, dt.date | None], AnnexAReading] = {}


def start_early(path: Path, *, extract_date: dt.date | None = None) -> None:
    _EARLY[(str(path.resolve()), extract_date)] = start_reading(path, extract_date=extract_date)


def start_reading(path: str | Path, *, extract_date: dt.date | None = None, progress: Progress | None = None,
                  display_name: str | None = None, limits: Limits | None = None, today: dt.date | None = None,
                  readers: int | None = None) -> AnnexAReading:
    """Start reading an Annex A file in limited processes and return at once (or take the reading of the same
    file and date already started early, when nothing else is asked of it)."""
    path = Path(path)
    if not (progress or display_name or limits or today or readers):
        early = _EARLY.pop((str(path.resolve()), extract_date), None)
        if early is not None:
            return early
    reading = Reading("annex_a_share", path, display_name=display_name, progress=progress, limits=limits,
                      shares=readers or readers_for(path))
    return AnnexAReading(reading, display_name or path.name, extract_date, today)


def read_annex_a_safely(path: str | Path, *, extract_date: dt.date | None = None, progress: Progress | None = None,
                        display_name: str | None = None, limits: Limits | None = None,
                        today: dt.date | None = None, readers: int | None = None) -> AnnexA:
    """``read_annex_a`` in separate processes limited in memory and time: the same result, or
    ``UnreadableFile`` with one sentence whatever the file does to the reading processes."""
    return start_reading(path, extract_date=extract_date, progress=progress, display_name=display_name,
                         limits=limits, today=today, readers=readers).annex()
