"""SVG charts: well-formed, accessible, escaped, CSP-clean. Pure functions, plus one render of the page."""
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from factcheck.web.charts import bar_chart, column_chart, format_duration, stacked_bars

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert("x")</script> & \'co\''


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))       # raises on anything that is not well-formed XML


def bars(root):
    return root.findall(".//s:g[@class='bar']", NS)


def tooltips(root):
    return [g.find("s:title", NS).text for g in bars(root)]


def assert_accessible(root):
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    assert [e.get("id") for e in (root.find("s:title", NS), root.find("s:desc", NS))] == ids
    assert root.find("s:title", NS).text and root.find("s:desc", NS).text


def no_style(svg: Markup):
    text = str(svg)
    assert "style=" not in text and "<style" not in text and "<script" not in text.lower()
    for el in parse(svg).iter():
        assert "style" not in el.attrib


STATUS = [("new", 3), ("in_progress", 2), ("in_review", 0), ("published", 7), ("dismissed", 1)]
DAYS = [(date(2025, 5, 17) + timedelta(days=i), i % 4) for i in range(30)]
WORK = [("Carl", [2, 1, 1]), ("Cora", [0, 3, 0])]
SERIES = ["in progress", "in review", "overdue"]
COLORS = ["#0d6efd", "#6f42c1", "#b02a37"]


def every_chart():
    return [bar_chart(STATUS, title="Claims by status"), column_chart(DAYS, title="Published per day"),
            stacked_bars(WORK, series=SERIES, title="Workload", colors=COLORS)]


def test_bar_chart_has_one_bar_per_item_with_tooltips_and_values():
    root = parse(bar_chart(STATUS, title="Claims by status"))
    assert_accessible(root)
    assert tooltips(root) == ["new: 3", "in_progress: 2", "in_review: 0", "published: 7", "dismissed: 1"]
    assert all(len(g.findall("s:rect", NS)) == 1 for g in bars(root))
    values = [g.findall("s:text", NS)[-1].text for g in bars(root)]
    assert values == ["3", "2", "0", "7", "1"]
    widths = [float(g.find("s:rect", NS).get("width")) for g in bars(root)]
    assert widths[3] == max(widths) and widths[2] == 0
    assert "Claims by status" in root.find("s:title", NS).text
    assert "published: 7" in root.find("s:desc", NS).text


def test_bar_chart_colour_and_height():
    root = parse(bar_chart([("a", 1)], title="t", color="#198754", height=100))
    assert root.get("height") == "100" and bars(root)[0].find("s:rect", NS).get("fill") == "#198754"


def test_column_chart_thins_labels_but_keeps_every_column():
    root = parse(column_chart(DAYS, title="Published per day"))
    assert_accessible(root)
    assert len(bars(root)) == 30
    assert tooltips(root)[0] == "17 May: 0" and tooltips(root)[-1] == "15 Jun: 1"
    labels = [t for t in root.findall("s:text", NS) if t.get("font-size") == "11"]
    assert 2 <= len(labels) < 30
    assert labels[-1].text == "15 Jun"                 # the newest day is always labelled
    xs = [float(t.get("x")) for t in labels]
    gap = min(b - a for a, b in zip(xs, xs[1:]))
    assert gap >= len("15 Jun") * 6                    # no two labels overlap
    assert "from 17 May to 15 Jun" in root.find("s:desc", NS).text


def test_column_chart_with_few_columns_labels_them_all():
    root = parse(column_chart([("Mon", 1), ("Tue", 2), ("Wed", 0)], title="Week"))
    assert [t.text for t in root.findall("s:text", NS) if t.get("font-size") == "11"] == ["Mon", "Tue", "Wed"]


def test_stacked_bars_have_segments_rows_and_a_legend():
    root = parse(stacked_bars(WORK, series=SERIES, title="Workload", colors=COLORS))
    assert_accessible(root)
    rows = root.findall("s:g[@class='row']", NS)
    assert [r.find("s:title", NS).text for r in rows] == [
        "Carl: 4 (in progress 2; in review 1; overdue 1)", "Cora: 3 (in progress 0; in review 3; overdue 0)"]
    assert tooltips(root) == ["Carl, in progress: 2", "Carl, in review: 1", "Carl, overdue: 1", "Cora, in review: 3"]
    legend = [t.text for t in root.findall("s:text", NS)]
    assert legend == SERIES
    fills = [r.get("fill") for r in root.findall("s:rect", NS)]
    assert fills == COLORS
    assert "Carl: 2 in progress, 1 in review, 1 overdue." in root.find("s:desc", NS).text


@pytest.mark.parametrize("make", [
    lambda d: bar_chart(d, title=HOSTILE),
    lambda d: column_chart(d, title=HOSTILE),
    lambda d: stacked_bars([(k, [v, 1]) for k, v in d], series=[HOSTILE, "b"], title=HOSTILE, colors=['"><x']),
])
def test_hostile_labels_render_inert(make):
    svg = make([(HOSTILE, 2), ("ok", 1)])
    text = str(svg)
    assert "<script" not in text and "&lt;script&gt;" in text
    assert '"><x' not in text
    root = parse(svg)
    assert HOSTILE in root.find("s:title", NS).text    # escaped in the markup, intact for the reader
    assert any(t and t.startswith(HOSTILE) for t in tooltips(root))
    assert not [el for el in root.iter() if el.tag.endswith("script")]


@pytest.mark.parametrize("svg", [
    bar_chart([], title="Nothing"), bar_chart([("new", 0), ("dismissed", 0)], title="Nothing"),
    column_chart([], title="Nothing"), column_chart([(date(2025, 1, 1), 0)], title="Nothing"),
    stacked_bars([], series=SERIES, title="Nothing", colors=COLORS),
    stacked_bars([("Carl", [0, 0, 0])], series=SERIES, title="Nothing", colors=COLORS),
])
def test_empty_data_says_so(svg):
    root = parse(svg)
    assert_accessible(root)
    assert not bars(root) and not root.findall(".//s:rect", NS)
    assert [t.text for t in root.findall("s:text", NS)] == ["No data yet"]
    assert "no data" in root.find("s:desc", NS).text
    no_style(svg)


def test_no_style_attributes_and_unique_ids():
    charts = every_chart() + [bar_chart(STATUS, title="Other"), bar_chart([("x", 1)], title="Claims by status")]
    ids = []
    for svg in charts:
        no_style(svg)
        ids += re.findall(r'\bid="([^"]+)"', str(svg))
    assert len(ids) == len(set(ids))


def test_charts_are_pure():
    assert every_chart() == every_chart()


@pytest.mark.parametrize("td, words", [
    (None, "No claim published in the last 90 days"),
    (timedelta(days=3, hours=4, minutes=10), "3 days 4 hours"),
    (timedelta(days=1), "1 day"),
    (timedelta(hours=1, minutes=1), "1 hour 1 minute"),
    (timedelta(hours=5), "5 hours"),
    (timedelta(minutes=12, seconds=40), "12 minutes"),
    (timedelta(seconds=20), "less than a minute"),
    (timedelta(seconds=-5), "less than a minute"),
])
def test_format_duration(td, words):
    assert format_duration(td) == words


@pytest.mark.parametrize("td", [None, timedelta(days=3, hours=4, minutes=10), timedelta(hours=1, minutes=1),
                                timedelta(days=2), timedelta(seconds=3)])
@pytest.mark.parametrize("with_filter", [False, True])
def test_dashboard_page_renders(app, td, with_filter):
    from flask import render_template

    from factcheck.services.dashboard import DeskStats

    if with_filter:
        app.jinja_env.filters["duration"] = format_duration
    stats = DeskStats(by_status=STATUS, by_rating=[("True", 2), (HOSTILE, 1)], published_per_day=DAYS,
                      workload=[("Carl", 2, 1, 1)], median_new_to_published=td, total_claims=13)
    charts = {"status": bar_chart(stats.by_status, title="Claims by status"),
              "rating": bar_chart(stats.by_rating, title="Published claims by rating"),
              "per_day": column_chart(stats.published_per_day, title="Published per day"),
              "workload": stacked_bars([(n, [a, b, c]) for n, a, b, c in stats.workload], series=SERIES,
                                       title="Checker workload", colors=COLORS)}
    with app.test_request_context("/"):
        html = render_template("dashboard/index.html", stats=stats, charts=charts)
    assert "<h1" in html and "Desk dashboard" in html
    assert html.count("<h2") == 5 and html.count("<svg") == 4
    assert format_duration(td) in html and ">13<" in html
    assert "<script>alert" not in html and "style=" not in html
