"""The charts pages use: accessible inline SVG with a caption and a table of the same numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from goldthread import charts

SVG = "{http://www.w3.org/2000/svg}"


def contrast(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def test_trend_is_accessible_and_its_table_has_the_numbers():
    chart = charts.trend([("May 2026", 62.0), ("Jun 2026", None), ("Jul 2026", 70.1)], title="Assessments in time",
                         unit="percent", target=80, comparators={"England (2025)": 81.4})
    assert chart.caption == ("Assessments in time: 62.0% in May 2026 to 70.1% in Jul 2026; target 80.0%; "
                             "England (2025) 81.4%.")
    assert chart.table.rows == [["May 2026", "62.0%"], ["Jun 2026", "–"], ["Jul 2026", "70.1%"]]
    svg = chart.svg()
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("viewBox") and root.get("width") == "100%"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == chart.caption and root.get("aria-labelledby") == title.get("id")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    # Target and comparator are named in the chart itself, not only by colour.
    assert "Target: 80.0%" in svg and "England (2025): 81.4%" in svg


def test_bars_label_the_highlighted_bar_and_sort_largest_first():
    chart = charts.bars([("Leeds", 50.0), ("Sheffield", 70.0), ("York", None)], title="Re-referrals",
                        unit="percent", highlight="Sheffield")
    assert [row[0] for row in chart.table.rows] == ["Sheffield", "Leeds"]
    assert "(Sheffield)" in chart.svg() and "Sheffield is marked" in chart.caption


def test_distribution_marks_the_threshold_and_counts_workers_over_it():
    chart = charts.distribution([12, 15, 22, 25, 9, 18, 30], title="Children per worker", unit="count", threshold=20)
    assert chart.caption == ("Children per worker: 7 workers, from 9 to 30, median 18; 3 above the threshold "
                             "of 20.")
    assert "20: threshold" in chart.svg()
    assert sum(int(n) for _, n in chart.table.rows) == 7


def test_sparkline_caption_and_cache():
    first = charts.sparkline([3, None, 5], unit="count")
    assert first.caption == "Trend over 2 extracts: from 3 to 5."
    assert charts.sparkline([3, None, 5], unit="count") is first  # built once per input
    assert first.svg() is first.svg()


def test_empty_input_says_so():
    chart = charts.trend([], title="Contacts", unit="count")
    assert chart.caption == "Contacts: there is no data to show yet." and chart.table.rows == []
    ET.fromstring(chart.svg())


def test_mark_colours_meet_non_text_contrast_against_white():
    for colour in (charts.BLUE, charts.DARK_BLUE, charts.BLACK, charts.GREY, charts.ORANGE):
        assert contrast(colour) >= 3.0, colour


def test_values_print_the_same_everywhere():
    assert [charts.format_value(v, u) for v, u in [(81.44, "percent"), (1234, "count"), (67, "rate per 10,000"),
                                                  (16.54, "number"), (None, "percent")]] == \
        ["81.4%", "1,234", "67.0 per 10,000", "16.5", "–"]


def test_trend_draws_the_expected_path_and_tabulates_it():
    chart = charts.trend([("Mar 2026", 60.0), ("Apr 2026", 64.0), ("May 2026", 65.0)], title="Visits in time",
                         unit="percent", target=80, expected=[None, 62.5, 65.0])
    assert chart.caption == ("Visits in time: 60.0% in Mar 2026 to 65.0% in May 2026; target 80.0%; expected on "
                             "the plan's path: 65.0% in May 2026.")
    assert chart.table.headers == ["Date", "Visits in time", "Expected"]
    assert chart.table.rows == [["Mar 2026", "60.0%", "–"], ["Apr 2026", "64.0%", "62.5%"],
                                ["May 2026", "65.0%", "65.0%"]]
    svg = chart.svg()
    assert "Expected path" in svg  # named in the chart itself, not only by its dashes
    plain = charts.trend([("Mar 2026", 60.0)], title="Visits in time", unit="percent")
    assert plain.table.headers == ["Date", "Visits in time"] and "Expected path" not in plain.svg()
