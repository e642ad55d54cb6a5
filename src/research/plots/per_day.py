"""Counts per day, drawn on a per-day axis: each reported period is a bar as wide as its dates.

This is the report's lead-figure form. A period's height is its count divided by its days, so a
seven-month piece sits beside whole years without being annualised, and its width shows which
dates it covers. The whisker is the exact (Garwood) 95% interval of the daily rate; the y-axis is
set by the observed rates, never by a whisker, and whiskers are clipped at the axis. Chosen periods
are labelled with their published count; dated events (a crackdown, a law) are vertical lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from research.plots.style import OKABE_ITO, new_figure, source_caption

#: The y-axis reaches this many times the largest observed daily rate (room for the labels).
HEADROOM = 1.3


@dataclass(frozen=True)
class DatedMark:
    """A vertical line at ``date`` with a short label."""

    date: str
    label: str


def garwood_interval(count: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson interval of a count (Garwood 1936), as (low, high) arrays."""
    count = np.asarray(count, dtype=float)
    tail = (1 - level) / 2
    low = np.where(count > 0, stats.chi2.ppf(tail, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - tail, 2 * (count + 1)) / 2
    return low, high


def per_day_table(rows: pd.DataFrame) -> pd.DataFrame:
    """``period_start``, ``period_end``, ``value`` → adds start, end, days, rate and its interval."""
    start = pd.to_datetime(rows["period_start"].astype(str).str[:10])
    end = pd.to_datetime(rows["period_end"].astype(str).str[:10])
    days = (end - start).dt.days + 1
    value = pd.to_numeric(rows["value"], errors="coerce")
    low, high = garwood_interval(value.to_numpy())
    return rows.assign(start=start, end=end, days=days, rate=value / days, rate_low=low / days, rate_high=high / days).sort_values(["start", "end"], kind="stable")


def per_day_figure(
    rows: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    labels: dict[int, str],
    marks: Sequence[DatedMark] = (),
    sources: Sequence[str] = (),
    note: str | None = None,
    lang: str = "en",
) -> Figure:
    """Draw ``rows`` (from :func:`per_day_table`) as per-day bars.

    ``labels`` maps a row's position in ``rows`` to the text printed above its bar (e.g.
    "156 cases · 2021"); ``marks`` are dated vertical lines with their labels.
    """
    fig, ax = new_figure(figsize=(7.5, 4.6))
    rows = rows.reset_index(drop=True)
    top = float(rows["rate"].max()) * HEADROOM if len(rows) else 1.0
    ax.bar(rows["start"], rows["rate"], width=rows["days"].to_numpy(), align="edge", color=OKABE_ITO["blue"], alpha=0.8, edgecolor="white", linewidth=0.6)
    mid = rows["start"] + pd.to_timedelta(rows["days"] / 2, unit="D")
    ax.vlines(mid, rows["rate_low"].clip(upper=top), rows["rate_high"].clip(upper=top), color=OKABE_ITO["black"], linewidth=0.9)
    for position, text in sorted(labels.items()):
        row = rows.iloc[position]
        # A label next to taller bars is set flush right with its own bar, so they do not cover it.
        crowded = bool(((rows["start"] > row["end"]) & (rows["start"] <= row["end"] + pd.Timedelta(days=60)) & (rows["rate"] > row["rate"])).any())
        x = row["end"] if crowded else mid.iloc[position]
        ax.annotate(text, (x, min(float(row["rate_high"]), top)), xytext=(0, 4), textcoords="offset points",
                    ha="right" if crowded else "center", va="bottom", fontsize=8, fontweight="bold", color=OKABE_ITO["black"])
    styles = ("--", ":", "-.")
    for index, mark in enumerate(marks):
        ax.axvline(pd.Timestamp(mark.date), color=(OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"], OKABE_ITO["black"])[index % 3],
                   linestyle=styles[index % 3], linewidth=1.3, label=mark.label)
    if marks:
        ax.legend(loc="upper left", fontsize=8.5)
    ax.set_ylim(0, top)
    ax.set_xlim(rows["start"].min() - pd.Timedelta(days=20), rows["end"].max() + pd.Timedelta(days=40))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left").set_gid("figure-title")  # named in the SVG, where the browser test reads it
    source_caption(fig, sources, note, width=110, lang=lang)
    return fig
