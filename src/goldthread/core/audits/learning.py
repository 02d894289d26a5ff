"""What audits teach: results by month, team, section and theme, and the themes that recur.

Takes plain records of completed audits (``AuditRecord``), so it needs no database; the audits app builds
them. A section is known by its title across tool versions; an audit's final grade is the moderated grade
where it was moderated, else the auditor's."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .tools import GRADES, INADEQUATE, good_or_better

# A theme recurs when it is tagged in audits in at least this many different months.
RECURRING_MONTHS = 2
# A section is a recurring weakness when at least this share of its graded audits are below good.
WEAK_SECTION_SHARE = 0.5


@dataclass(frozen=True)
class AuditRecord:
    month: dt.date  # first day of the month the audit was submitted in
    team: str
    final_grade: str
    sections: dict[str, str]  # section title -> final grade
    themes: tuple[str, ...] = ()
    moderated: bool = False
    agreed: bool | None = None  # moderated grade equals the auditor's (None if not moderated)


@dataclass
class GradeCounts:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def good_or_better(self) -> float | None:
        return 100.0 * sum(n for g, n in self.counts.items() if good_or_better(g)) / self.total if self.total else None

    @property
    def inadequate(self) -> float | None:
        return 100.0 * self.counts[INADEQUATE] / self.total if self.total else None

    def add(self, grade: str) -> None:
        if grade in self.counts:
            self.counts[grade] += 1

    def in_order(self) -> list[int]:
        return [self.counts[g] for g in GRADES]


@dataclass(frozen=True)
class Theme:
    name: str
    audits: int
    months: int
    first: dt.date
    latest: dt.date

    @property
    def recurring(self) -> bool:
        return self.months >= RECURRING_MONTHS


def _grouped(records, key) -> list[GradeCounts]:
    groups: dict[str, GradeCounts] = {}
    for record in records:
        label = key(record)
        groups.setdefault(label, GradeCounts(label)).add(record.final_grade)
    return [groups[k] for k in sorted(groups)]


def by_month(records: list[AuditRecord]) -> list[GradeCounts]:
    """Final grades per month, oldest first (labels are ISO dates of the month's first day)."""
    return _grouped(records, lambda r: r.month.isoformat())


def by_team(records: list[AuditRecord]) -> list[GradeCounts]:
    return _grouped(records, lambda r: r.team or "Not allocated")


def by_section(records: list[AuditRecord]) -> list[GradeCounts]:
    """Final grades per section, weakest first (the highest share below good first)."""
    groups: dict[str, GradeCounts] = {}
    for record in records:
        for title, grade in record.sections.items():
            groups.setdefault(title, GradeCounts(title)).add(grade)
    return sorted(groups.values(), key=lambda g: (g.good_or_better if g.good_or_better is not None else 101, g.label))


def weak_sections(records: list[AuditRecord]) -> list[GradeCounts]:
    """Sections graded below good in at least WEAK_SECTION_SHARE of the audits that graded them."""
    return [g for g in by_section(records)
            if g.total and (100.0 - (g.good_or_better or 0.0)) >= WEAK_SECTION_SHARE * 100]


def themes(records: list[AuditRecord]) -> list[Theme]:
    """Tagged findings: how many audits and months each appears in; recurring ones first, then the most
    frequent."""
    audits: Counter[str] = Counter()
    months: dict[str, set[dt.date]] = defaultdict(set)
    for record in records:
        for theme in set(record.themes):
            audits[theme] += 1
            months[theme].add(record.month)
    found = [Theme(name, audits[name], len(months[name]), min(months[name]), max(months[name])) for name in audits]
    return sorted(found, key=lambda t: (not t.recurring, -t.audits, t.name))


def moderation_agreement(records: list[AuditRecord]) -> tuple[int, int]:
    """(moderated audits whose overall grade the moderator agreed with, moderated audits)."""
    moderated = [r for r in records if r.moderated]
    return sum(1 for r in moderated if r.agreed), len(moderated)
