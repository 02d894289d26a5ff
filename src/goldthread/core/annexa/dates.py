"""The extract date to propose when none is given: from the file name, the dates most rows end on (never a
lone date after all the others), or the day the workbook was saved. Works on the typed tables the reader
builds; nothing here imports Django."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import spec as S

if TYPE_CHECKING:
    from .reader import ParsedList


@dataclass(frozen=True)
class DateProposal:
    """The extract date goldthread proposes when none was given, and why, for the person importing the file
    to confirm or correct. ``latest`` is the latest date in the file (up to today) and ``later`` how many dates
    fall after the proposed one (each is a warning against it)."""

    date: dt.date
    basis: str  # "file name", "workbook properties" or "row dates"
    reason: str  # one sentence saying where the date came from
    latest: dt.date | None = None
    later: int = 0

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "basis": self.basis, "reason": self.reason,
                "latest": self.latest.isoformat() if self.latest else None, "later": self.later}

    @classmethod
    def from_dict(cls, data: dict) -> DateProposal:
        return cls(dt.date.fromisoformat(data["date"]), data["basis"], data["reason"],
                   dt.date.fromisoformat(data["latest"]) if data.get("latest") else None, data.get("later", 0))


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_NAME_DATES = (
    (re.compile(r"(?<!\d)(20\d\d)[-_. ]?(0[1-9]|1[0-2])[-_. ]?(0[1-9]|[12]\d|3[01])(?!\d)"), ("y", "m", "d")),
    (re.compile(r"(?<!\d)(0?[1-9]|[12]\d|3[01])[-_. ](0?[1-9]|1[0-2])[-_. ](20\d\d)(?!\d)"), ("d", "m", "y")),
    (re.compile(r"(?<!\d)(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?[-_. ]?"
                r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_. ]?(20\d\d)(?!\d)"), ("d", "mon", "y")),
)


def date_in_name(name: str) -> dt.date | None:
    """A whole date written in a file name: 2026-11-30, 20261130, 30-11-2026, 30.11.2026, 30 Nov 2026."""
    text = Path(name).stem.lower()
    for pattern, order in _NAME_DATES:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _MONTHS[parts["mon"][:3]] if "mon" in parts else int(parts["m"])
            try:
                return dt.date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
    return None


_SAVED = re.compile(rb"<(?:dcterms:modified|dc:date|meta:creation-date)[^>]*>\s*(\d{4})-(\d\d)-(\d\d)")


def date_saved(path: Path) -> dt.date | None:
    """The date a workbook was last saved, from its document properties (docProps/core.xml in .xlsx,
    meta.xml in .ods). Read as text with a bounded size: no XML parser runs on it."""
    try:
        with zipfile.ZipFile(path) as zf:
            for member in ("docProps/core.xml", "meta.xml"):
                try:
                    info = zf.getinfo(member)
                except KeyError:
                    continue
                if info.file_size > 256 * 1024:
                    continue
                found = _SAVED.search(zf.read(info))
                if found:
                    return dt.date(*(int(g) for g in found.groups()))
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return None


def _day_counts(parsed: list[ParsedList], today: dt.date) -> pd.Series:
    """How many dates in the file fall on each day, up to today (later dates are typing errors)."""
    limit = np.datetime64(today, "D")
    chunks = []
    for p in parsed:
        for col in p.spec.columns:
            if col.kind == S.DATE and col.name in p.headers:
                days = p.table[col.name].to_numpy().astype("datetime64[D]")
                chunks.append(days[~np.isnat(days) & (days <= limit)])
    if not chunks:
        return pd.Series(dtype=np.int64)
    days = np.concatenate(chunks)
    return pd.Series(days).value_counts().sort_index()


def supported_latest_date(counts: pd.Series) -> dt.date | None:
    """The latest day that the rows support, never a lone outlier: the latest day holding at least a quarter
    of a usual day's dates over the month before the file's last date (and at least two), or, in a file too
    sparse for that, the latest date not cut off from the rest by a gap of more than a fortnight."""
    if counts.empty:
        return None
    last = counts.index[-1]
    month = counts[counts.index > last - np.timedelta64(30, "D")]
    usual = float(np.median(month.to_numpy()))
    needed = max(2, int(np.ceil(usual / 4)))
    busy = month[month >= needed]
    if len(busy):
        return pd.Timestamp(busy.index[-1]).date()
    days = counts.index.to_numpy()
    for i in range(len(days) - 1, 0, -1):
        if days[i] - days[i - 1] <= np.timedelta64(14, "D"):
            return pd.Timestamp(days[i]).date()
    return pd.Timestamp(days[-1]).date()


def propose_extract_date(parsed: list[ParsedList], name: str, saved: dt.date | None,
                         today: dt.date) -> DateProposal | None:
    """The extract date to propose, in order of trust: a date in the file name; otherwise the dates most rows
    end on (never a lone date after all the others); otherwise the day the workbook was last saved. (A saved
    date earlier than the rows' dates comes from a template and is not used.)"""
    counts = _day_counts(parsed, today)
    latest = pd.Timestamp(counts.index[-1]).date() if len(counts) else None

    def later(day: dt.date) -> int:
        return int(counts[counts.index > np.datetime64(day, "D")].sum())

    named = date_in_name(name)
    if named is not None and named <= today:
        return DateProposal(named, "file name", f"The file name '{name}' gives {named:%d/%m/%Y}.", latest,
                            later(named))
    supported = supported_latest_date(counts)
    if supported is None:
        if saved is None:
            return None
        return DateProposal(saved, "workbook properties", f"The workbook was last saved on {saved:%d/%m/%Y}.",
                            latest, 0)
    reason = f"Most lists' latest dates run up to {supported:%d/%m/%Y}"
    beyond = later(supported)
    if beyond:
        reason += (f"; {'the one later date' if beyond == 1 else f'the {beyond} later dates'} (up to "
                   f"{latest:%d/%m/%Y}) {'stands' if beyond == 1 else 'stand'} apart from the rest and may be "
                   "mistyped")
    if saved is not None and saved >= supported:
        reason += f"; the workbook was saved on {saved:%d/%m/%Y}"
    return DateProposal(supported, "row dates", reason + ".", latest, beyond)


