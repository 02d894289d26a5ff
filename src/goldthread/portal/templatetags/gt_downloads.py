"""Links under a table or chart to download it (goldthread.tables): ``{% load gt_downloads %}``, then
``{% download_table downloads "table-id" %}`` or ``{% download_chart downloads "chart-id" %}``.

``downloads`` is the page's ``tables.PageDownloads``; nothing is shown for an id it does not offer. The links
are the page's own URL with ``?download=<id>&format=...``, keeping only the query parameters named in ``keep``
(``keep="show"``), so a cached page never carries one person's query string to another. Each link says what it
downloads: "CSV" on screen, "CSV file of <the table's caption>" to a screen reader."""

from __future__ import annotations

from django import template
from django.utils.http import urlencode

register = template.Library()

TABLE_FORMATS = (("csv", "CSV", "file"), ("xlsx", "Excel", "spreadsheet"))
CHART_FORMATS = (("svg", "SVG", "image"), ("png", "PNG", "image"))


def _links(context, offered, item_id: str, keep: str, formats, name: str) -> list[dict]:
    request = context.get("request")
    kept = {key: request.GET[key] for key in keep.split() if request is not None and key in request.GET}
    path = request.path if request is not None else ""
    return [{"href": f"{path}?{urlencode({**kept, 'download': item_id, 'format': key})}", "label": label,
             "hidden": f"{noun} of {name}"} for key, label, noun in formats]


@register.inclusion_tag("portal/_download_links.html", takes_context=True)
def download_table(context, offered, item_id: str, keep: str = "", label: str = "Download this table"):
    table = offered.tables.get(item_id) if offered is not None else None
    if table is None:
        return {"links": []}
    return {"links": _links(context, offered, item_id, keep, TABLE_FORMATS, table.caption), "label": label,
            "item_id": item_id}


@register.inclusion_tag("portal/_download_links.html", takes_context=True)
def download_chart(context, offered, item_id: str, keep: str = "", label: str = "Download this chart"):
    chart = offered.charts.get(item_id) if offered is not None else None
    if chart is None:
        return {"links": []}
    return {"links": _links(context, offered, item_id, keep, CHART_FORMATS, chart.title or chart.caption),
            "label": label, "item_id": item_id}
