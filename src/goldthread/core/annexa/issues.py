"""Validation issues: what the reader found wrong or suspect, in terms a council analyst can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"  # the row (or list) cannot be used
WARNING = "warning"  # usable but suspect


@dataclass(frozen=True)
class Issue:
    severity: str
    kind: str  # a stable slug: bad_value, missing_value, unknown_code, future_date, ...
    message: str  # one plain sentence
    list_number: int | None = None
    sheet: str | None = None  # the sheet, or the CSV file, as named in the upload
    row: int | None = None  # the row number as the user sees it in the spreadsheet
    column: str | None = None  # the column header as written in the file
    value: str | None = None
    expected: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


class UnreadableFile(Exception):
    """The file cannot be read at all. ``str(exc)`` is one sentence for the user."""


def summarise(issues: list[Issue]) -> list[tuple[int | None, str, str, int]]:
    """Counts by (list, severity, kind), in list order, for a short summary."""
    counts: dict[tuple[int | None, str, str], int] = {}
    for issue in issues:
        key = (issue.list_number, issue.severity, issue.kind)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((k[0], k[1], k[2], n) for k, n in counts.items()),
                  key=lambda r: (r[0] or 0, r[1] != ERROR, r[2]))
