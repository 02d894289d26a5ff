"""The adviser's overview page: every council the person has a role in, side by side (goldthread.portal.overview)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from goldthread.accounts.access import signed_in
from goldthread.plans.pages import RAG_TAGS, STATUS_TAGS
from goldthread.portal.posted import posted_date

from .overview import FUTURE_DAY, overview

AS_AT = "as_at"
NOT_A_DATE = "Enter the date as a day, month and year, for example 31 3 2026."


def _as_at(request) -> tuple:
    """The day asked for (None: now) and the form's errors."""
    parts = {part: request.GET.get(f"{AS_AT}-{part}", "").strip() for part in ("day", "month", "year")}
    if not any(parts.values()):
        return None, {}, parts
    day = posted_date(request.GET, AS_AT)
    if day is None:
        return None, {f"{AS_AT}-day": NOT_A_DATE}, parts
    if day > timezone.localdate():
        return None, {f"{AS_AT}-day": FUTURE_DAY}, parts
    return day, {}, parts


@signed_in(post=None)
def overview_page(request):
    """Each council's headline measures side by side, its plan's status per priority, overdue actions and coming
    visits; with a day in the form, as they were known at the end of that day."""
    day, errors, given = _as_at(request)
    found = overview(request.user, known_at=day)
    sections = []
    for label, measures in found.sections:
        rows = []
        for measure in measures:
            cells = [(entry, entry.headline.get(measure.id)) for entry in found.councils]
            england = next((card.england for _, card in cells if card is not None and card.england), None)
            rows.append({"measure": measure, "cells": cells, "england": england})
        sections.append((label, rows))
    return render(request, "portal/overview.html", {
        "overview": found, "sections": sections, "errors": errors, "given": given, "past": day,
        "as_at_param": day.isoformat() if day else "", "today": timezone.localdate(),
        "any_overdue": any(entry.overdue for entry in found.councils), "status_tags": STATUS_TAGS, "rag_tags": RAG_TAGS})
