"""The portal's tables as downloads (goldthread.tables), built from the same objects its pages show: the
dashboard's cards, a measure's series and breakdowns, the rows behind a number, the workforce figures.
Each function takes what the page already has and computes nothing the page does not show."""

from __future__ import annotations

from django.utils.text import slugify

from goldthread.tables import DATE, NUMBER, Column, Table

from .data import Card

NO_TARGET, NO_EARLIER = "No target", "No earlier extract"


def change_words(card: Card) -> str:
    """The change as the page words it (portal/_change.html): "up, better", "down", "No change"..."""
    if card.change in ("up", "down"):
        judged = {True: ", better", False: ", worse"}.get(card.better, "")
        return f"{card.change}{judged}"
    return "No change" if card.change else NO_EARLIER


def _card_row(card: Card) -> list:
    unit = card.measure.unit
    moved = card.change in ("up", "down")
    path = card.target_path
    return [card.measure.title, unit, card.value, change_words(card), card.previous if moved else None,
            card.target, path.target.day if path and card.target is not None else None,
            "improvement plan" if path and card.target is not None else "",
            (card.target_status if card.target is not None else NO_TARGET),
            card.england[1] if card.england else None, str(card.england[0]) if card.england else "",
            card.england_status if card.england else ""]


DASHBOARD_COLUMNS = [
    Column("Measure"), Column("Unit"), Column("Value", NUMBER, unit_from="Unit"), Column("Change"),
    Column("Previous value", NUMBER, unit_from="Unit"), Column("Target", NUMBER, unit_from="Unit"),
    Column("Target date", DATE, date_format="M Y"), Column("Target set by"), Column("Target status"),
    Column("England", NUMBER, unit_from="Unit"), Column("England year"), Column("Compared with England"),
]


def group_id(label: str) -> str:
    return f"dashboard-{slugify(label)}"


def dashboard_tables(groups: dict[str, list[Card]]) -> list[Table]:
    """One table per group of the dashboard, as on the page, and the whole dashboard in one (with its group)."""
    found = [Table(group_id(label), label, DASHBOARD_COLUMNS, [_card_row(card) for card in cards],
                   caption=f"{label} measures") for label, cards in groups.items()]
    found.append(Table("dashboard", "All measures", [Column("Group"), *DASHBOARD_COLUMNS],
                       [[label, *_card_row(card)] for label, cards in groups.items() for card in cards],
                       caption="Every measure on the dashboard"))
    return found


def trend_table(card: Card) -> Table:
    """The measure's value at each date, as the trend chart's table shows it (and the plan's expected path)."""
    measure = card.measure
    columns = [Column("Date", DATE, date_format="M Y"), Column(measure.title, NUMBER, unit=measure.unit)]
    expected = card.expected
    if expected is not None:
        columns.append(Column("Expected", NUMBER, unit=measure.unit))
    rows = [[day, value] + ([expected[i]] if expected is not None else []) for i, (day, value) in
            enumerate(card.series)]
    return Table("trend", "Trend", columns, rows, caption=f"{measure.title} at each date")


def breakdown_table(table_id: str, title: str, first: str, splits: list, measure, caption: str) -> Table:
    """A measure by team or by allocated worker: value, counted and total, as the page's table."""
    return Table(table_id, title, [Column(first), Column("Value", NUMBER, unit=measure.unit),
                                   Column("Counted", NUMBER, unit="count"), Column("Total", NUMBER, unit="count")],
                 [[b.group, b.value, b.numerator, b.denominator] for b in splits], caption=caption)


def children_table(records: list[dict], list_titles: dict, *, audits: bool, actions: bool, title: str,
                   caption: str) -> Table:
    """The rows behind a number, as the page lists them (every row, not one page of them)."""
    if actions or audits:
        row_column, word = Column("Row"), "Action" if actions else "Audit"
    else:
        row_column, word = Column("Row", NUMBER, unit="count"), ""
    rows = [[r["child_id"], list_titles.get(r["list_number"], ""),
             f"{word} {r['row_number']}" if word else r["row_number"],
             r.get("allocated_team") or "Not recorded", r.get("allocated_worker") or "Not allocated",
             "Yes" if r.get("in_numerator") else "No", r.get("detail") or ""] for r in records]
    return Table("children", title, [Column("Child"), Column("List"), row_column, Column("Team"), Column("Worker"),
                                      Column("Counted"), Column("Detail")], rows, caption=caption)


def workforce_tables(cards: dict[str, Card], over: list, teams: list) -> list[Table]:
    """The workforce page's measures, the workers over the threshold, and the median caseload by team."""
    return [
        Table("workforce-measures", "Measures", [Column("Measure"), Column("Unit"),
                                                 Column("Value", NUMBER, unit_from="Unit")],
              [[c.measure.title, c.measure.unit, c.value] for c in cards.values()], caption="Workforce measures"),
        Table("over-threshold", "Workers over the threshold", [Column("Worker"),
                                                               Column("Children", NUMBER, unit="count")],
              [[w.group, w.value] for w in over], caption="Workers with more children than the threshold"),
        Table("teams", "By team", [Column("Team"), Column("Workers", NUMBER, unit="count"),
                                   Column("Median caseload", NUMBER, unit="number")],
              [[t.group, t.denominator, t.value] for t in teams], caption="Median caseload by team"),
    ]
