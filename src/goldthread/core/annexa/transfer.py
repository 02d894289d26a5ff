"""Reading an Annex A file in the limited reading process (goldthread.core.untrusted) and getting the
result back.

``read_share`` runs in each child: it reads its share of the sheets (``reader.read_sheets``) and returns
what it found as plain data. The process that asked starts one child (two for a large file, each reading
about half the sheets: the machine has two cores and the asking process only waits), then ``assemble``s
Annex A from their findings. ``read_annex_a_safely`` does all of it; ``start_reading`` returns at once, so a
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
    """An Annex A file being read by one or two limited processes; ``annex()`` waits for them."""

    def __init__(self, readings: list[Reading], name: str, extract_date: dt.date | None, today: dt.date | None):
        self.readings, self.name, self.extract_date, self.today = readings, name, extract_date, today

    def annex(self) -> AnnexA:
        from .reader import assemble

        found = []
        try:
            for reading in self.readings:
                found.append(share_from_parts(reading.result()))
        finally:
            for reading in self.readings:
                reading.stop()
        return assemble(found, name=self.name, extract_date=self.extract_date, today=self.today)


def start_reading(path: str | Path, *, extract_date: dt.date | None = None, progress: Progress | None = None,
                  display_name: str | None = None, limits: Limits | None = None, today: dt.date | None = None,
                  readers: int | None = None) -> AnnexAReading:
    """Start reading an Annex A file in limited processes and return at once."""
    path = Path(path)
    count = readers or readers_for(path)
    readings = [Reading("annex_a_share", path, options={"share": [k, count] if count > 1 else None},
                        display_name=display_name, progress=progress if k == 0 else None, limits=limits)
                for k in range(count)]
    return AnnexAReading(readings, display_name or path.name, extract_date, today)


def read_annex_a_safely(path: str | Path, *, extract_date: dt.date | None = None, progress: Progress | None = None,
                        display_name: str | None = None, limits: Limits | None = None,
                        today: dt.date | None = None, readers: int | None = None) -> AnnexA:
    """``read_annex_a`` in separate processes limited in memory and time: the same result, or
    ``UnreadableFile`` with one sentence whatever the file does to the reading processes."""
    return start_reading(path, extract_date=extract_date, progress=progress, display_name=display_name,
                         limits=limits, today=today, readers=readers).annex()
