"""Charts as inline SVG, each with a caption and a data table (plain Python, no Django).

Vega-Altair builds a Vega-Lite spec; vl-convert renders it to SVG for pages (no client JavaScript) and
the same spec to files. Every chart carries a title, a one-sentence caption and a table of the same
numbers. Colours are GOV.UK's with at least 3:1 contrast against white, and never carry meaning alone:
targets and comparators are labelled lines, a highlighted bar is labelled and outlined.

What a chart gives:

``chart.svg()``             for a page: responsive (width 100%), ``role="img"``, its caption as ``<title>``.
``chart.svg_document()``    a standalone SVG file: the chart's own size, its title drawn in the image, the
                            title and caption as ``<title>`` and ``<desc>``. For downloads, PDFs and documents.
``chart.png(scale=2)``      the same image as PNG, ``scale`` times the chart's size in pixels (2 prints sharply
                            at the chart's size), its resolution recorded (96 x scale pixels per inch) so a
                            document places it at the chart's size.
``chart.table``             the numbers as printed (``headers``, ``rows``) and as numbers (``values``, ``units``).

Downloads of a page's charts (``?download=<chart id>&format=svg|png``) go through ``goldthread.tables``.
Rendering never fetches anything: vl-convert is given no base URL it may load data from.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass

import altair as alt
import vl_convert

BLUE, DARK_BLUE, BLACK, GREY, ORANGE = "#1d70b8", "#003078", "#0b0c0c", "#505a5f", "#b94f00"
FONT = "Arial"
NO_VALUE = "–"


def format_value(value, unit: str | None = None) -> str:
    """A number as goldthread prints it everywhere: 81.4%, 1,234, 67.0 per 10,000, 16.5."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    value = float(value)
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate per 10,000":
        return f"{value:,.1f} per 10,000"
    if unit == "days":
        return f"{value:,.0f} days"
    if unit == "count" or (unit is None and value.is_integer()):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


@dataclass(frozen=True)
class Table:
    """A chart's numbers: ``rows`` as printed (text), and ``values`` the same rows with each number as a number
    (None where missing; the first column is the label), printed in ``units`` (one per column, None for text)."""

    headers: list[str]
    rows: list[list[str]]
    summary: str
    values: list[list] = dataclasses.field(default_factory=list)
    units: tuple = ()


# A PNG's resolution for ``scale`` 1: a chart's CSS pixels, at 96 to the inch, so a document places it at its size.
PNG_PPI = 96
# No URL a spec could name is fetched while rendering.
NO_FETCHING: list[str] = []


@dataclass(frozen=True, eq=False)
class Chart:
    spec: dict
    caption: str
    table: Table
    title: str = ""

    @functools.cached_property
    def _spec_json(self) -> str:
        return json.dumps(self.spec, sort_keys=True, default=str)

    @functools.cached_property
    def _export_json(self) -> str:
        return json.dumps(self.export_spec(), sort_keys=True, default=str)

    def svg(self) -> str:
        return _render_svg(self._spec_json, self.caption)

    def export_spec(self) -> dict:
        """The page's spec for a file: with the chart's title drawn in the image (a sparkline has none on the
        page) and its caption as the description."""
        spec = dict(self.spec)
        if self.title and not spec.get("title"):
            spec["title"] = self.title
        spec["description"] = self.caption
        return spec

    def svg_document(self) -> str:
        """A standalone SVG file of the chart, at its own size, with its title and caption."""
        return _render_svg_document(self._export_json, self.title or self.caption, self.caption)

    def png(self, scale: float = 2) -> bytes:
        """The chart as PNG, ``scale`` times its size in pixels (2: sharp in print at the chart's size)."""
        return _render_png(self._export_json, float(scale))


_SIZE = re.compile(r'<svg([^>]*?) width="[\d.]+" height="[\d.]+"')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=4096)
def _render_svg(spec_json: str, caption: str) -> str:
    """Render once per distinct spec; make the SVG accessible and responsive."""
    svg = vl_convert.vegalite_to_svg(json.loads(spec_json))
    ident = "chart-" + hashlib.sha1(spec_json.encode(), usedforsecurity=False).hexdigest()[:10]
    svg = _SIZE.sub(r'<svg\1 width="100%"', svg, count=1)
    svg = svg.replace("<svg", f'<svg role="img" aria-labelledby="{ident}" focusable="false"', 1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: f'{m.group(1)}<title id="{ident}">{_escape(caption)}</title>', svg,
                 count=1)
    return svg


@functools.lru_cache(maxsize=256)
def _render_svg_document(spec_json: str, title: str, caption: str) -> str:
    svg = vl_convert.vegalite_to_svg(json.loads(spec_json), allowed_base_urls=NO_FETCHING)
    # Ids of its own, so that several charts can sit in one document (a pack's HTML before it is a PDF).
    ident = "chart-" + hashlib.sha1(spec_json.encode(), usedforsecurity=False).hexdigest()[:10]
    svg = svg.replace("<svg", f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc"', 1)
    return re.sub(r"(<svg[^>]*>)", lambda m: (f'<?xml version="1.0" encoding="UTF-8"?>\n{m.group(1)}'
                                             f'<title id="{ident}-title">{_escape(title)}</title>'
                                             f'<desc id="{ident}-desc">{_escape(caption)}</desc>'), svg, count=1)


@functools.lru_cache(maxsize=64)
def _render_png(spec_json: str, scale: float) -> bytes:
    # vl-convert draws ppi / 72 pixels per CSS pixel, times its scale: ``scale`` pixels per CSS pixel, recorded
    # as PNG_PPI x scale pixels per inch.
    return vl_convert.vegalite_to_png(json.loads(spec_json), scale=72 / PNG_PPI, ppi=PNG_PPI * scale,
                                      allowed_base_urls=NO_FETCHING)


def _config(chart: alt.TopLevelMixin) -> dict:
    # The builders below are tested to make valid specs; validating each against the Vega-Lite schema on
    # every page view cost most of a page's time.
    spec = chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=12, labelColor=BLACK,
                                                    titleColor=BLACK, gridColor="#b1b4b6") \
        .configure_view(stroke=None).to_dict(validate=False)
    spec.pop("$schema", None)
    return spec


def _empty(title: str, unit: str) -> Chart:
    caption = f"{title}: there is no data to show yet."
    spec = _config(alt.Chart(alt.Data(values=[{"t": "No data yet"}])).mark_text(fontSize=14, color=GREY)
                   .encode(text="t:N").properties(width=300, height=40))
    return Chart(spec, caption, Table(["", "Value"], [], caption, [], (None, unit)), title)


def trend(points, *, title: str, unit: str, target: float | None = None, comparators: dict | None = None,
          polarity: str | None = None, expected=None) -> Chart:
    """A line with point markers over extracts or years; a target and comparators as labelled rules; and, with
    ``expected`` (one value or None per point), the path an improvement plan expects, as a labelled dashed line."""
    return _trend(tuple(map(tuple, points)), title, unit, target, tuple((comparators or {}).items()), polarity,
                  tuple(expected) if expected is not None else None)


@functools.lru_cache(maxsize=1024)
def _trend(points, title, unit, target, comparator_items, polarity, expected=None) -> Chart:
    comparators = dict(comparator_items)
    values = [{"label": str(label), "order": i, "value": v} for i, (label, v) in enumerate(points)]
    present = [p for p in values if p["value"] is not None]
    if not present:
        return _empty(title, unit)
    labels = [p["label"] for p in values]
    x = alt.X("label:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=unit != "percent" or min(p["value"] for p in present) < 30))
    base = alt.Chart(alt.Data(values=present))
    layers = [base.mark_line(color=BLUE, strokeWidth=3).encode(x=x, y=y),
              base.mark_point(color=BLUE, filled=True, size=60).encode(
                  x=x, y=y, tooltip=[alt.Tooltip("label:N"), alt.Tooltip("value:Q", format=".1f")])]
    path = [{"label": str(label), "value": e} for (label, _), e in zip(points, expected or (), strict=False)
            if e is not None]
    if path:
        line = alt.Chart(alt.Data(values=path))
        layers.append(line.mark_line(color=GREY, strokeDash=[4, 3], strokeWidth=2).encode(x=x, y=y))
        layers.append(alt.Chart(alt.Data(values=[{**path[-1], "name": "Expected path"}])).mark_text(
            align="left", dx=6, dy=12, color=BLACK, fontSize=12).encode(x=x, y=y, text="name:N"))
    rules = dict(comparators or {})
    if target is not None:
        rules["Target"] = target
    for i, (name, level) in enumerate(rules.items()):
        rule = alt.Chart(alt.Data(values=[{"level": level, "name": f"{name}: {format_value(level, unit)}"}]))
        layers.append(rule.mark_rule(color=ORANGE if name == "Target" else GREY, strokeDash=[6, 4] if i % 2 == 0
                                     else [2, 2], strokeWidth=2).encode(y="level:Q"))
        layers.append(rule.mark_text(align="right", dy=-6, color=BLACK, fontSize=12).encode(
            y="level:Q", x=alt.value(600), text="name:N"))
    spec = _config(alt.layer(*layers).properties(width=600, height=240, title=title))
    first, last = present[0], present[-1]
    caption = (f"{title}: {format_value(first['value'], unit)} in {first['label']}"
               + (f" to {format_value(last['value'], unit)} in {last['label']}" if len(present) > 1 else "")
               + (f"; target {format_value(target, unit)}" if target is not None else "")
               + "".join(f"; {name} {format_value(level, unit)}" for name, level in (comparators or {}).items())
               + (f"; expected on the plan's path: {format_value(path[-1]['value'], unit)} in {path[-1]['label']}"
                  if path else "")
               + ".")
    if path:
        on_path = list(expected) + [None] * (len(values) - len(expected))
        table = Table(["Date", title, "Expected"], [[p["label"], format_value(p["value"], unit),
                                                     format_value(on_path[p["order"]], unit)] for p in values],
                      f"{title} at each date, and what the plan expected",
                      [[p["label"], p["value"], on_path[p["order"]]] for p in values], (None, unit, unit))
    else:
        table = Table(["Date", title], [[p["label"], format_value(p["value"], unit)] for p in values],
                      f"{title} at each date", [[p["label"], p["value"]] for p in values], (None, unit))
    return Chart(spec, caption, table, title)


def bars(categories, *, title: str, unit: str, highlight: str | None = None, reference: dict | None = None) -> Chart:
    """Horizontal bars, largest first; a highlighted bar is outlined and labelled, not only coloured."""
    return _bars(tuple(map(tuple, categories)), title, unit, highlight, tuple((reference or {}).items()))


@functools.lru_cache(maxsize=1024)
def _bars(categories, title, unit, highlight, reference_items) -> Chart:
    reference = dict(reference_items)
    values = [{"label": str(label), "value": v, "mark": "this council" if label == highlight else ""}
              for label, v in categories if v is not None]
    if not values:
        return _empty(title, unit)
    values.sort(key=lambda r: -r["value"])
    base = alt.Chart(alt.Data(values=values))
    y = alt.Y("label:N", sort=[r["label"] for r in values], title=None)
    layers = [
        base.mark_bar(color=BLUE).encode(
            x=alt.X("value:Q", title=unit), y=y,
            color=alt.condition(alt.datum.mark == "this council", alt.value(DARK_BLUE), alt.value(BLUE)),
            stroke=alt.condition(alt.datum.mark == "this council", alt.value(BLACK), alt.value(None)),
            strokeWidth=alt.value(2)),
        base.mark_text(align="left", dx=4, color=BLACK, fontSize=12).encode(
            x="value:Q", y=y, text=alt.Text("shown:N")).transform_calculate(
            shown=f"format(datum.value, '.1f') + (datum.mark ? ' ({highlight or ''})' : '')"),
    ]
    for name, level in (reference or {}).items():
        rule = alt.Chart(alt.Data(values=[{"level": level, "name": f"{name}: {format_value(level, unit)}"}]))
        layers.append(rule.mark_rule(color=GREY, strokeDash=[6, 4], strokeWidth=2).encode(x="level:Q"))
        layers.append(rule.mark_text(align="left", dx=4, dy=-4, color=BLACK, fontSize=12, baseline="bottom").encode(
            x="level:Q", y=alt.value(0), text="name:N"))
    height = max(60, 22 * len(values))
    spec = _config(alt.layer(*layers).properties(width=520, height=height, title=title))
    top, bottom = values[0], values[-1]
    caption = (f"{title}: highest {top['label']} {format_value(top['value'], unit)}, lowest {bottom['label']} "
               f"{format_value(bottom['value'], unit)}"
               + (f"; {highlight} is marked" if highlight else "") + ".")
    table = Table(["", title], [[r["label"], format_value(r["value"], unit)] for r in values], title,
                  [[r["label"], r["value"]] for r in values], (None, unit))
    return Chart(spec, caption, table, title)


def sparkline(values, *, unit: str, title: str = "") -> Chart:
    """A tiny trend for a dashboard row (about 120 by 32 pixels); ``title`` (what it is the trend of) is drawn
    only in files (``svg_document``, ``png``)."""
    return _sparkline(tuple(values), unit, title)


@functools.lru_cache(maxsize=4096)
def _sparkline(values, unit, title="") -> Chart:
    points = [{"i": i, "value": v} for i, v in enumerate(values) if v is not None]
    if not points:
        return _empty(title or "Trend", unit)
    spec = _config(alt.Chart(alt.Data(values=points)).mark_line(color=BLUE, strokeWidth=2, point=alt.OverlayMarkDef(
        color=BLUE, size=12)).encode(x=alt.X("i:Q", axis=None), y=alt.Y("value:Q", axis=None,
                                                                       scale=alt.Scale(zero=False)))
                   .properties(width=120, height=32))
    caption = (f"Trend over {len(points)} extract{'s' if len(points) != 1 else ''}: from "
               f"{format_value(points[0]['value'], unit)} to {format_value(points[-1]['value'], unit)}.")
    table = Table(["Extract", "Value"], [[str(p["i"] + 1), format_value(p["value"], unit)] for p in points], caption,
                  [[str(p["i"] + 1), p["value"]] for p in points], (None, unit))
    return Chart(spec, caption, table, title or "Trend")


def distribution(values, *, title: str, unit: str, threshold: float | None = None) -> Chart:
    """A histogram (for caseloads) with the threshold marked and annotated."""
    return _distribution(tuple(values), title, unit, threshold)


@functools.lru_cache(maxsize=256)
def _distribution(values, title, unit, threshold) -> Chart:
    present = [v for v in values if v is not None]
    if not present:
        return _empty(title, unit)
    data = [{"value": v} for v in present]
    base = alt.Chart(alt.Data(values=data))
    layers = [base.mark_bar(color=BLUE).encode(
        x=alt.X("value:Q", bin=alt.Bin(step=2), title=title), y=alt.Y("count():Q", title="Workers"))]
    over = sum(1 for v in present if threshold is not None and v > threshold)
    if threshold is not None:
        rule = alt.Chart(alt.Data(values=[{"t": threshold, "name": f"{format_value(threshold, unit)}: threshold"}]))
        layers.append(rule.mark_rule(color=ORANGE, strokeDash=[6, 4], strokeWidth=2).encode(x="t:Q"))
        layers.append(rule.mark_text(align="left", dx=4, y=8, color=BLACK, fontSize=12).encode(x="t:Q", text="name:N"))
    spec = _config(alt.layer(*layers).properties(width=560, height=220, title=title))
    ordered = sorted(present)
    median = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
    caption = (f"{title}: {len(present)} workers, from {format_value(ordered[0], unit)} to "
               f"{format_value(ordered[-1], unit)}, median {format_value(median, unit)}"
               + (f"; {over} above the threshold of {format_value(threshold, unit)}" if threshold is not None else "")
               + ".")
    counts: dict[int, int] = {}
    for v in present:
        band = int(v // 2 * 2)
        counts[band] = counts.get(band, 0) + 1
    table = Table([title, "Workers"], [[f"{b} to {b + 1}", str(n)] for b, n in sorted(counts.items())], caption,
                  [[f"{b} to {b + 1}", n] for b, n in sorted(counts.items())], (None, "count"))
    return Chart(spec, caption, table, title)
