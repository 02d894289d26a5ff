"""The front sheet page: the headline Annex A measures (goldthread.portal.frontsheet), now or as they stood at the
end of a past day."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from goldthread.accounts.access import AGGREGATES, council_view
from goldthread.plans.models import Visit
from goldthread.plans.queries import end_of

from .frontsheet import front_sheet
from .posted import posted_date

DATE_FIELD = "as_at"  # ?as_at=2026-03-31, or the date input's as_at-day, as_at-month and as_at-year
NOT_A_DATE = "Enter a real date, for example 31 3 2026."
IN_THE_FUTURE = "The date must be today or in the past."


def as_at_day(query) -> tuple[dt.date | None, dict[str, str]]:
    """The past day asked for (None for now), and any error with the field it belongs to."""
    given = (query.get(DATE_FIELD) or "").strip()
    parts = [(query.get(f"{DATE_FIELD}-{part}") or "").strip() for part in ("day", "month", "year")]
    if not given and not any(parts):
        return None, {}
    if given:
        try:
            day = dt.date.fromisoformat(given) if len(given) == 10 else None  # 2026-03-31, nothing longer
        except ValueError:
            day = None
    else:
        day = posted_date(query, DATE_FIELD)
    if day is None:
        return None, {f"{DATE_FIELD}-day": NOT_A_DATE}
    if day > timezone.localdate():
        return None, {f"{DATE_FIELD}-day": IN_THE_FUTURE}
    return day, {}


@council_view(AGGREGATES, post=None)
def front_sheet_page(request, *, access):
    day, errors = as_at_day(request.GET)
    sheet = front_sheet(access.council, known_at=end_of(day) if day else None)
    visits = Visit.objects.filter(council=access.council, kind__in=(Visit.MONITORING, Visit.FOCUSED),
                                  date__lte=timezone.localdate()).order_by("-date", "-pk")[:6]
    values = {part: request.GET.get(f"{DATE_FIELD}-{part}", "") for part in ("day", "month", "year")}
    if day is not None:
        values = {"day": day.day, "month": day.month, "year": day.year}
    return render(request, "portal/front_sheet.html", {
        "access": access, "council": access.council, "sheet": sheet, "day": day, "errors": errors, "visits": visits,
        "values": values})
