"""Inline SVG bar charts for the stats page: drawn on the server, no chart library, no script."""

from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()

ROW_HEIGHT = 26
LABEL_WIDTH = 130
BAR_AREA = 260
COLUMN_WIDTH = 30
COLUMN_AREA = 140
TOP_MARGIN = 18


@dataclass(frozen=True)
class Shape:
    label: str
    value: int
    css: str
    x: float
    y: float
    width: float
    height: float
    # Where the value and the label are written.
    value_x: float
    value_y: float
    label_x: float
    label_y: float


@register.inclusion_tag("claims/_bar_chart.html")
def bar_chart(bars: list[Any], title: str) -> dict[str, Any]:
    """Horizontal bars, one row per label, the value written at the end of each bar."""
    top = max((b.value for b in bars), default=0) or 1
    rows = []
    for i, b in enumerate(bars):
        y = i * ROW_HEIGHT
        width = round(BAR_AREA * b.value / top, 1)
        rows.append(
            Shape(
                label=b.label, value=b.value, css=b.css, x=LABEL_WIDTH, y=y + 2, width=width,
                height=ROW_HEIGHT - 8, value_x=LABEL_WIDTH + width + 6, value_y=y + 15,
                label_x=LABEL_WIDTH - 8, label_y=y + 15,
            )
        )  # fmt: skip
    return {
        "title": title,
        "rows": rows,
        "width": LABEL_WIDTH + BAR_AREA + 50,
        "height": max(len(rows), 1) * ROW_HEIGHT,
    }


@register.inclusion_tag("claims/_column_chart.html")
def column_chart(bars: list[Any], title: str) -> dict[str, Any]:
    """Vertical columns over time; with many columns only every other one is labelled."""
    top = max((b.value for b in bars), default=0) or 1
    base = COLUMN_AREA + TOP_MARGIN
    sparse = len(bars) > 8
    columns = []
    for i, b in enumerate(bars):
        height = round(COLUMN_AREA * b.value / top, 1)
        x = i * COLUMN_WIDTH + 4
        middle = x + (COLUMN_WIDTH - 6) / 2
        labelled = not sparse or (len(bars) - 1 - i) % 2 == 0  # always label the latest day
        columns.append(
            Shape(
                label=b.label if labelled else "", value=b.value, css=b.css, x=x,
                y=base - height, width=COLUMN_WIDTH - 6, height=height, value_x=middle,
                value_y=base - height - 4, label_x=middle, label_y=base + 16,
            )
        )  # fmt: skip
    return {
        "title": title,
        "columns": columns,
        "width": max(len(columns), 1) * COLUMN_WIDTH + 8,
        "height": base + 24,
        "base_y": base,
    }
