"""The portal's pages. Views stay thin: access comes from goldthread.accounts.access, data from
goldthread.portal.data, state changes from the apps' actions."""

from __future__ import annotations

import functools

import pandas as pd
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, timezone

from goldthread import charts, tables
from goldthread.accounts.access import (
    AGGREGATES,
    CHILD_LEVEL,
    PEOPLE,
    UPLOAD,
    council_view,
    log_child_access,
    memberships,
    reason_from,
    signed_in,
)
from goldthread.accounts.models import AccessLogEntry
from goldthread.core.annexa import spec as S
from goldthread.core.measures import ANNEX_A, GROUPS, REGISTRY
from goldthread.core.national.indicators import twin_note
from goldthread.extracts.actions import measure_context

from . import data, splits
from . import downloadable as files


def _measure(measure_id: str):
    measure = REGISTRY.get(measure_id)
    if measure is None:
        raise Http404("No such measure.")
    return measure


def _latest(access):
    extracts = data.extracts_of(access.council)
    return extracts, (extracts[-1] if extracts else None)


@signed_in(post=None)
def home(request):
    return render(request, "portal/home.html", {"memberships": memberships(request.user)})


@signed_in(post=None)
def measure_definitions(request):
    groups = [(label, [m for m in REGISTRY.values() if m.group == key]) for key, label in GROUPS.items()]
    return render(request, "portal/measure_definitions.html", {"groups": groups})


@council_view(AGGREGATES, post=None)
def dashboard(request, *, access):
    """The council's measures as practice flows. What it shows is rendered once per version of the
    council's data (``data.page_version``) and reused; the functions below run only when it is not cached.
    Its tables and trends download from the same data (``?download=...``, goldthread.tables), uncached."""

    @functools.cache
    def page():
        extracts = data.extracts_of(access.council)
        groups = data.cards(access.council, extracts)
        sparks = {card.measure.id: charts.sparkline([v for _, v in card.series], unit=card.measure.unit,
                                                    title=f"{card.measure.title}, trend")
                  for cards in groups.values() for card in cards}
        latest = extracts[-1] if extracts else None
        offered = tables.PageDownloads(access.council.name, "Dashboard",
                                       latest.extract_date if latest else timezone.localdate())
        for table in files.dashboard_tables(groups):
            offered.add(table)
        spark_ids = {measure_id: f"trend-{measure_id.replace('_', '-')}" for measure_id in sparks}
        for measure_id, spark in sparks.items():
            offered.add_chart(spark_ids[measure_id], spark)
        return {"latest": latest, "previous": extracts[-2] if len(extracts) > 1 else None,
                "groups": groups, "sparks": sparks, "downloads": offered, "spark_ids": spark_ids,
                "group_ids": {label: files.group_id(label) for label in groups}}

    if (response := tables.answer(request, lambda: page()["downloads"])) is not None:
        return response
    return render(request, "portal/dashboard.html", {
        "access": access, "council": access.council, "page": page, "version": data.page_version(access.council),
        "can_upload": access.can(UPLOAD)})


@council_view(AGGREGATES, post=None)
def measure(request, measure_id: str, *, access):
    """A measure's definition, value, trend, breakdowns and published comparison, rendered once per version
    of the council's data and reused (the function below runs only when it is not cached)."""
    measure = _measure(measure_id)

    @functools.cache
    def page():
        extracts, latest = _latest(access)
        card = next((c for cards in data.cards(access.council, extracts, only=measure_id).values() for c in cards),
                    None)
        as_at = card.series[-1][0] if card else None
        offered = tables.PageDownloads(access.council.name, measure.title, as_at or timezone.localdate())
        context = {"latest": latest, "card": card, "published": data.national_comparison(access.council, measure),
                   "as_at": as_at, "downloads": offered, "twin_note": twin_note(measure.id)}
        if card is not None:
            comparators = {f"England ({card.england[0]})": card.england[1]} if card.england else None
            context["trend"] = offered.add_chart("trend-chart", charts.trend(
                [(d.strftime("%b %Y"), v) for d, v in card.series], title=measure.title, unit=measure.unit,
                target=card.target, comparators=comparators, polarity=measure.polarity, expected=card.expected))
            offered.add(files.trend_table(card))
            split = data.breakdowns(latest, measure, access.council)
            context["team_chart"] = offered.add_chart("team-chart", charts.bars(
                [(b.group, b.value) for b in split["team"] if b.value is not None],
                title=f"{measure.title} by team", unit=measure.unit)) if split["team"] else None
            context["breakdowns"] = split
            context["dimensions"] = splits.dimensions(latest, measure, access.council)
            day = dateformat.format(as_at, "j F Y")
            if split["team"]:
                offered.add(files.breakdown_table("by-team", "By team", "Team", split["team"], measure,
                                                  f"{measure.title} by team, as at {day}"))
            if split["worker"]:
                offered.add(files.breakdown_table("by-worker", "By allocated worker", "Worker", split["worker"],
                                                  measure, f"{measure.title} by allocated worker, as at {day}"))
        return context

    if (response := tables.answer(request, lambda: page()["downloads"])) is not None:
        return response
    return render(request, "portal/measure.html", {
        "access": access, "council": access.council, "measure": measure, "page": page,
        "can_see_children": access.can(CHILD_LEVEL), "version": data.page_version(access.council)})


CHILDREN_HEADINGS = {"numerator": "The rows counted", "not-counted": "In the total but not counted",
                     "all": "Every row in the total"}


@council_view(CHILD_LEVEL, post=None)
def measure_children(request, measure_id: str, *, access):
    """The rows behind a number: the children counted, and those in the total but not counted."""
    measure = _measure(measure_id)
    _, latest = _latest(access)
    if latest is None and measure.source == ANNEX_A:
        raise Http404("No extract yet.")
    context = measure_context(access.council, latest.extract_date) if latest else None
    rows = data.rows_behind(latest, measure, context, access.council)
    return children_page(request, access, measure, latest, rows, what=f"'{measure.title}'")


def children_page(request, access, measure, latest, rows: pd.DataFrame, *, what: str, cell: dict | None = None):
    """The children behind a measure or one cell of its breakdown (``cell``: dimension and group), as this person
    may see them (``Access.child_filter``): the page, or a download of every row; either is logged."""
    audits = measure.source != ANNEX_A
    rows = access.child_filter(rows)
    shown = request.GET.get("show", "numerator")
    if shown not in CHILDREN_HEADINGS:
        shown = "numerator"
    if shown == "numerator":
        rows = rows[rows["in_numerator"]]
    elif shown == "not-counted":
        rows = rows[rows["in_denominator"] & ~rows["in_numerator"]]
    rows = rows.sort_values(["list_number", "row_number"])
    records = rows.to_dict("records")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    as_at = timezone.localdate() if audits else latest.extract_date
    list_titles = {0: "Case audits", **{s.number: s.label for s in S.LISTS}}
    actions = audits and measure.id.startswith("audit_actions")
    heading = CHILDREN_HEADINGS[shown]
    offered = tables.PageDownloads(access.council.name, measure.title, as_at)
    caption = f"{heading}: {measure.title}" + (f", {cell['dimension'].title.lower()}: {cell['group']}" if cell else "")
    offered.add_later("children", heading, caption, lambda: files.children_table(
        records, list_titles, audits=audits, actions=actions, title=heading, caption=caption))
    subject = f"children behind {what} ({shown}) as at {as_at:%d/%m/%Y}"
    why = f"drill-down from the measure {measure.id}" + (f" by {cell['dimension'].id}" if cell else "")
    wanted = tables.requested(request)
    if wanted is not None:
        response = offered.response(*wanted)  # a 404 for anything not offered, before anything is logged
        log_child_access(request, access, subject=f"{subject}, downloaded as {wanted[1].upper()}", why=why,
                         action="export")
        return response
    log_child_access(request, access, subject=subject, why=why)
    return render(request, "portal/measure_children.html", {
        "access": access, "council": access.council, "measure": measure, "latest": latest, "page": page,
        "shown": shown, "total": len(rows), "list_titles": list_titles, "heading": heading, "cell": cell,
        "group": cell["group"] if cell else "", "as_at": as_at, "audits": audits, "actions": actions,
        "downloads": offered})


@council_view(CHILD_LEVEL, post=None)
def child(request, child_id: str, *, access):
    """One child's rows across every list of the latest extract: the golden thread to the frontline."""
    _, latest = _latest(access)
    if latest is None:
        raise Http404("No extract yet.")
    sections = data.child_rows(latest, child_id)
    workers = pd.DataFrame([{"allocated_worker": row.get("allocated_worker")} for _, rows in sections for row in rows])
    if workers.empty or access.child_filter(workers).empty:
        raise Http404("No such child in the latest extract, or not one allocated to you.")
    log_child_access(request, access, subject=f"child's record as at {latest.extract_date:%d/%m/%Y}",
                     why=reason_from(request, access), child_id=child_id)
    return render(request, "portal/child.html", {
        "access": access, "council": access.council, "latest": latest, "child_id": child_id,
        "sections": data.child_display(sections)})


@council_view(AGGREGATES, post=None)
def workforce(request, *, access):
    extracts, latest = _latest(access)
    offered = tables.PageDownloads(access.council.name, "Workforce",
                                   latest.extract_date if latest else timezone.localdate())
    context = {"access": access, "council": access.council, "latest": latest, "downloads": offered}
    if latest is not None:
        shown = data.workforce(access.council, extracts)  # the same as the packs' workforce section
        context.update({
            **shown, "distribution": offered.add_chart("caseloads", shown["distribution"]),
            "cards": {c.measure.id: c for cards in data.cards(access.council, extracts).values() for c in cards
                      if c.measure.group == "workforce"},
        })
        for table in files.workforce_tables(context["cards"], context["over"], context["teams"]):
            offered.add(table)
        offered.add(tables.from_chart("caseload-bands", context["distribution"], title="Caseloads",
                                      first="Children per allocated worker"))
    if (response := tables.answer(request, offered)) is not None:
        return response
    return render(request, "portal/workforce.html", context)


@council_view(PEOPLE, post=None)
def access_log(request, *, access):
    entries = AccessLogEntry.objects.filter(council=access.council)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "portal/access_log.html", {"access": access, "council": access.council, "page": page})


# --------------------------------------------------------------------------- errors


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "You do not have access to this page."
    return render(request, "portal/error.html", {"title": "You do not have access to this page", "message": message},
                  status=403)


def not_found(request, exception=None):
    return render(request, "portal/error.html", {
        "title": "Page not found",
        "message": "If you typed the web address, check it is correct. If you followed a link, the record may "
                   "not be in the latest extract."}, status=404)


def server_error(request):
    return render(request, "portal/error.html", {
        "title": "Sorry, there is a problem with the service",
        "message": "Try again later. Nothing you entered has been lost or half-saved."}, status=500)


def health(request):
    return HttpResponse("ok", content_type="text/plain")
