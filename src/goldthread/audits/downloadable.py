"""What the audits show (the learning page) as downloads (goldthread.tables), built from what
``pages.learning`` gives the page: the audit measures, and final grades by month, team, section and theme."""

from __future__ import annotations

import datetime as dt

from goldthread.tables import DATE, NUMBER, Column, PageDownloads, Table


def _grades(first: str, total: str, labels: list[str]) -> list[Column]:
    return [Column(first), Column(total, NUMBER, unit="count"), *[Column(label, NUMBER, unit="count")
                                                                  for label in labels],
            Column("Good or better", NUMBER, unit="percent")]


def learning_downloads(council, learning: dict, today: dt.date) -> PageDownloads:
    offered = PageDownloads(council.name, "What the audits show", today)
    labels = learning["grade_labels"]
    offered.add(Table("learning-measures", "Audit measures", [
        Column("Measure"), Column("Unit"), Column("Now", NUMBER, unit_from="Unit"),
        Column("Counted", NUMBER, unit="count"), Column("Of", NUMBER, unit="count"),
        Column("Previous month's end", NUMBER, unit_from="Unit")],
        [[c["measure"].title, c["measure"].unit, c["latest"].value, c["latest"].numerator, c["latest"].denominator,
          c["previous"].value if c["previous"] else None] for c in learning["cards"]],
        caption="Audit measures, latest values"))
    if not learning["records"]:
        return offered
    offered.add(Table("learning-months", "By month", [
        Column("Month", DATE, date_format="F Y"), Column("Audits", NUMBER, unit="count"),
        *[Column(label, NUMBER, unit="count") for label in labels], Column("Good or better", NUMBER, unit="percent"),
        Column("Actions agreed", NUMBER, unit="count")],
        [[m.month, m.total, *m.in_order(), m.good_or_better, learning["action_months"].get(m.month, 0)]
         for m in learning["months"]],
        caption="Final grades of audits submitted each month"))
    offered.add(Table("learning-teams", "By team", _grades("Team", "Audits", labels),
                      [[t.label, t.total, *t.in_order(), t.good_or_better] for t in learning["teams"]],
                      caption="Final grades by allocated team"))
    offered.add(Table("learning-sections", "By section", _grades("Section", "Graded", labels),
                      [[s.label, s.total, *s.in_order(), s.good_or_better] for s in learning["sections"]],
                      caption="Final section grades, weakest first"))
    offered.add(Table("learning-themes", "Themes", [
        Column("Theme"), Column("Audits", NUMBER, unit="count"), Column("Months", NUMBER, unit="count"),
        Column("First", DATE, date_format="M Y"), Column("Latest", DATE, date_format="M Y"), Column("Recurring")],
        [[t.name, t.audits, t.months, t.first, t.latest, "Recurring" if t.recurring else "No"]
         for t in learning["themes"]],
        caption=f"Tagged findings; a theme recurs when it is found in {learning['recurring_months']} or more months"))
    return offered
