"""Server-rendered SVG charts for the dashboard.

No scripts and no style attributes (the CSP allows neither): only SVG presentation attributes.
Every label and title goes through `escape`, because labels come from user names and ratings.
"""
from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta

from markupsafe import Markup, escape

TEXT = "#212529"        # body text colour: 15:1 on white
MUTED = "#495057"       # axis labels: 8:1 on white
GRID = "#adb5bd"
FONT = 'font-family="system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, sans-serif"'
CHAR_W = 7.0            # rough width of one character at font-size 12, for layout only
NO_DATA = "No data yet"


def _e(value) -> str:
    return str(escape(str(value)))


def _label(value) -> str:
    return value.strftime("%d %b") if isinstance(value, date) else str(value)


def _fmt(n: float) -> str:
    return f"{n:g}"


def _chart_id(kind: str, title: str, payload) -> str:
    digest = hashlib.sha1(repr((kind, title, payload)).encode()).hexdigest()[:10]
    return f"chart-{kind}-{digest}"


def _truncate(text: str, max_px: float) -> str:
    room = max(int(max_px // CHAR_W), 2)
    return text if len(text) <= room else text[: room - 1] + "…"


def _svg(cid: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{cid}-title {cid}-desc" '
            f'id="{cid}" class="chart img-fluid" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT} font-size="12" fill="{TEXT}">'
            f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _empty(kind: str, title: str, width: int) -> Markup:
    cid = _chart_id(kind, title, None)
    text = f'<text x="{width / 2:g}" y="34" text-anchor="middle" fill="{MUTED}" font-size="14">{NO_DATA}</text>'
    return _svg(cid, title, f"{title}: no data yet.", width, 56, [text])


def _summary(title: str, pairs: list[tuple[str, int]]) -> str:
    total = sum(n for _, n in pairs)
    return f"{title}. Total {_fmt(total)}. " + "; ".join(f"{label}: {_fmt(n)}" for label, n in pairs) + "."


def bar_chart(data: list[tuple[str, int]], *, title: str, width: int = 480, height: int | None = None,
              color: str = "#0d6efd") -> Markup:
    """Horizontal bars, labels on the left, each value written at the end of its bar."""
    pairs = [(_label(k), v) for k, v in data]
    if not pairs or not any(v for _, v in pairs):
        return _empty("bar", title, width)
    row = 28
    height = height or row * len(pairs) + 8
    row = (height - 8) / len(pairs)
    label_w = min(width * 0.4, max(len(k) for k, _ in pairs) * CHAR_W + 12)
    value_w = len(_fmt(max(v for _, v in pairs))) * CHAR_W + 10
    plot_w = max(width - label_w - value_w, 10)
    top = max(v for _, v in pairs)
    body = []
    for i, (label, value) in enumerate(pairs):
        y = 4 + i * row
        bar_h = max(row - 8, 4)
        bar_w = plot_w * value / top if top else 0
        mid = y + row / 2 + 4
        body.append(
            f'<g class="bar"><title>{_e(label)}: {_fmt(value)}</title>'
            f'<text x="{label_w - 8:g}" y="{mid:g}" text-anchor="end">{_e(_truncate(label, label_w - 12))}</text>'
            f'<rect x="{label_w:g}" y="{y + 4:g}" width="{bar_w:.1f}" height="{bar_h:g}" fill="{_e(color)}"/>'
            f'<text x="{label_w + bar_w + 4:.1f}" y="{mid:g}">{_fmt(value)}</text></g>')
    return _svg(_chart_id("bar", title, pairs), title, _summary(title, pairs), width, int(height), body)


def column_chart(data: list[tuple[str, int]], *, title: str, width: int = 640, height: int = 200,
                 color: str = "#0d6efd") -> Markup:
    """Vertical columns (e.g. one per day); x labels are thinned so they never overlap."""
    pairs = [(_label(k), v) for k, v in data]
    if not pairs or not any(v for _, v in pairs):
        return _empty("column", title, width)
    top = max(v for _, v in pairs)
    left = len(_fmt(top)) * CHAR_W + 10
    label_px = max(len(k) for k, _ in pairs) * CHAR_W * 0.9 + 8      # x labels use font-size 11
    right = max(4.0, label_px / 2 - 4)                                # room for the newest column's label
    plot_top, plot_bottom = 12, height - 24
    plot_w, plot_h = width - left - right, plot_bottom - plot_top
    col_w = plot_w / len(pairs)
    step = max(1, math.ceil(label_px / col_w))
    body = [f'<line x1="{left:g}" y1="{plot_top}" x2="{width - right:g}" y2="{plot_top}" stroke="{GRID}" '
            f'stroke-dasharray="3 3"/>',
            f'<text x="{left - 6:g}" y="{plot_top + 4}" text-anchor="end" fill="{MUTED}">{_fmt(top)}</text>',
            f'<text x="{left - 6:g}" y="{plot_bottom:g}" text-anchor="end" fill="{MUTED}">0</text>']
    last = len(pairs) - 1
    for i, (label, value) in enumerate(pairs):
        x = left + i * col_w
        h = plot_h * value / top
        body.append(f'<g class="bar"><title>{_e(label)}: {_fmt(value)}</title>'
                    f'<rect x="{x + col_w * 0.15:.1f}" y="{plot_bottom - h:.1f}" width="{col_w * 0.7:.1f}" '
                    f'height="{h:.1f}" fill="{_e(color)}"/></g>')
        if (last - i) % step == 0:      # count back from the newest, so the last column is always labelled
            body.append(f'<text x="{x + col_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
                        f'fill="{MUTED}">{_e(label)}</text>')
    body.append(f'<line x1="{left:g}" y1="{plot_bottom}" x2="{width - right:g}" y2="{plot_bottom}" stroke="{MUTED}"/>')
    busiest = max(pairs, key=lambda p: p[1])
    desc = (f"{title}. {len(pairs)} columns from {pairs[0][0]} to {pairs[-1][0]}, "
            f"total {_fmt(sum(v for _, v in pairs))}, highest {_fmt(busiest[1])} on {busiest[0]}. "
            + "; ".join(f"{k}: {_fmt(v)}" for k, v in pairs) + ".")
    return _svg(_chart_id("column", title, pairs), title, desc, width, height, body)


def stacked_bars(rows: list[tuple[str, list[int]]], *, series: list[str], title: str, colors: list[str],
                 width: int = 560) -> Markup:
    """One horizontal bar per row, split into `series` segments, with a legend above."""
    rows = [(_label(k), list(vs)) for k, vs in rows]
    if not rows or not any(sum(vs) for _, vs in rows):
        return _empty("stacked", title, width)
    colors = [colors[i % len(colors)] if colors else "#0d6efd" for i in range(len(series))]
    legend_h, row = 28, 30
    height = legend_h + row * len(rows) + 4
    totals = [sum(vs) for _, vs in rows]
    label_w = min(width * 0.35, max(len(k) for k, _ in rows) * CHAR_W + 12)
    value_w = len(_fmt(max(totals))) * CHAR_W + 10
    plot_w = max(width - label_w - value_w, 10)
    top = max(totals)
    body, x = [], 0.0
    for name, color in zip(series, colors):
        body.append(f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{_e(color)}" stroke="{TEXT}" '
                    f'stroke-width="0.5"/><text x="{x + 16:.1f}" y="16">{_e(name)}</text>')
        x += 16 + len(name) * CHAR_W + 16
    for i, (label, values) in enumerate(rows):
        y = legend_h + i * row
        parts = "; ".join(f"{s} {_fmt(v)}" for s, v in zip(series, values))
        body.append(f'<g class="row"><title>{_e(label)}: {_fmt(totals[i])} ({_e(parts)})</title>'
                    f'<text x="{label_w - 8:g}" y="{y + row / 2 + 4:g}" text-anchor="end">'
                    f'{_e(_truncate(label, label_w - 12))}</text>')
        start = label_w
        for s, v, color in zip(series, values, colors):
            w = plot_w * v / top
            if v:
                body.append(f'<g class="bar"><title>{_e(label)}, {_e(s)}: {_fmt(v)}</title>'
                            f'<rect x="{start:.1f}" y="{y + 5:g}" width="{w:.1f}" height="{row - 10:g}" '
                            f'fill="{_e(color)}" stroke="#ffffff" stroke-width="1"/></g>')
            start += w
        body.append(f'<text x="{start + 4:.1f}" y="{y + row / 2 + 4:g}">{_fmt(totals[i])}</text></g>')
    desc = f"{title}. " + " ".join(
        f"{label}: " + ", ".join(f"{_fmt(v)} {s}" for s, v in zip(series, vs)) + "." for label, vs in rows)
    return _svg(_chart_id("stacked", title, (rows, series)), title, desc, width, height, body)


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def format_duration(td: timedelta | None) -> str:
    """A duration in words, two units at most: "3 days 4 hours", "5 hours 12 minutes"."""
    if td is None:
        return "No claim published in the last 90 days"
    seconds = max(int(td.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _unit(days, "day") + (f" {_unit(hours, 'hour')}" if hours else "")
    if hours:
        return _unit(hours, "hour") + (f" {_unit(minutes, 'minute')}" if minutes else "")
    return _unit(minutes, "minute") if minutes else "less than a minute"
