"""What is wrong with a return, row by row, in terms an analyst can act on: the child, the table, the field and
the value. Shared by the SSDA903 reader and its validation rules. A file that cannot be read at all raises
``UnreadableFile`` (one sentence), the same exception the Annex A reader uses, so callers treat both alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..annexa.issues import ERROR, WARNING, UnreadableFile

__all__ = ["ERROR", "WARNING", "Issue", "UnreadableFile", "summarise"]


@dataclass(frozen=True)
class Issue:
    severity: str  # ERROR: DfE would not accept the return with it; WARNING: usable but suspect
    kind: str  # a stable slug: rule (a DfE validation rule), bad_date, unknown_code, unrecognised_file, ...
    message: str  # one plain sentence
    code: str | None = None  # the DfE rule code, for kind "rule" and for values a DfE rule covers
    table: str | None = None  # "Header", "Episodes", ... (the 903 validator's table names)
    file: str | None = None  # the file (or XML element) the row came from, as named in the upload
    row: int | None = None  # the line in the CSV file (the header is line 1); the child's position in XML
    child: str | None = None  # the child's CHILD identifier
    field: str | None = None  # the column (or XML element) as the DfE names it
    value: str | None = None
    last_year: bool = False  # the row is in last year's tables

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def where(self) -> str:
        parts = []
        if self.child:
            parts.append(f"child {self.child}")
        if self.table:
            parts.append(f"{'last year' if self.last_year else 'table'} {self.table}")
        if self.row:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


def summarise(issues: list[Issue]) -> list[tuple[str | None, str, str | None, int]]:
    """Counts by (table, severity, rule code or kind), errors first."""
    counts: dict[tuple[str | None, str, str | None], int] = {}
    for issue in issues:
        key = (issue.table, issue.severity, issue.code or issue.kind)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((k[0], k[1], k[2], n) for k, n in counts.items()),
                  key=lambda r: (r[1] != ERROR, r[0] or "", r[2] or ""))
