"""The geometry of the trend chart: where each period's point goes, drawn by the template as
SVG on the server (no script, no outside resources). Only numbers and plain text here; the
template escapes every text it writes."""

from __future__ import annotations

from dataclasses import dataclass

from lokalarkiv.trend import Trend

WIDTH = 800
HEIGHT = 320
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 48
MAX_X_LABELS = 12
TICKS = 4


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    count: int
    period: str
    href: str


@dataclass(frozen=True)
class Series:
    query: str
    points: tuple[Point, ...]

    @property
    def line(self) -> str:
        """The polyline's points attribute."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    share: bool
    base: float


def chart(result: Trend, hrefs: list[list[str]]) -> Chart:
    """The chart of ``result``: one series per query, one point per period, its y the count
    (or the share of the period's articles, when one was asked). ``hrefs[q][p]``: where a
    click on query ``q``'s point of period ``p`` leads (its articles)."""
    share = result.totals is not None
    values = [
        [
            (result.share(q, p) or 0.0) if share else float(counts[p])
            for p in range(len(result.periods))
        ]
        for q, counts in enumerate(result.counts)
    ]
    top = max((v for row in values for v in row), default=0.0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(result.periods), 1)
    step = plot_w / n

    def x_of(p: int) -> float:
        return LEFT + step * (p + 0.5)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    series = tuple(
        Series(
            query,
            tuple(
                Point(
                    x_of(p),
                    y_of(value),
                    value,
                    result.counts[q][p],
                    result.periods[p].label,
                    hrefs[q][p],
                )
                for p, value in enumerate(values[q])
            ),
        )
        for q, query in enumerate(result.queries)
    )
    every = max(1, -(-n // MAX_X_LABELS))
    x_ticks = tuple(
        Tick(x_of(p), span.label) for p, span in enumerate(result.periods) if p % every == 0
    )
    y_ticks = tuple(
        Tick(y_of(top * i / TICKS), _tick_text(top * i / TICKS, share)) for i in range(TICKS + 1)
    )
    return Chart(WIDTH, HEIGHT, series, y_ticks, x_ticks, share, TOP + plot_h)


def _tick_text(value: float, share: bool) -> str:
    if share:
        return f"{100 * value:.1f} %"
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
