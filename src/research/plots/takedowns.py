"""Takedown figures: the per-file funnel with Wilson intervals, and Kaplan–Meier curves by channel."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from research.clean.channels import CHANNELS
from research.i18n import message
from research.plots.style import PALETTE, Credit, new_figure

FILE_STATUSES = ("fully_removed", "partly_removed", "still_online", "unknown")
#: Kaplan–Meier curves are drawn up to this many days (most removals happen well within it).
KM_HORIZON_DAYS = 180


def funnel_figure(funnel: pd.DataFrame, stem: str | os.PathLike[str], credit: Credit, note: str | None = None) -> list[Path]:
    """Horizontal bars: share of files per status, with Wilson 95% intervals and ``n / total``.

    ``funnel`` is the long funnel table (``with_intervals``); rows with ``group_kind == "all"`` and
    ``unit == "file"`` are drawn. ``credit`` gives the caption, the stamp and the language;
    ``note`` is added under the caption.
    """
    lang = credit.lang
    rows = funnel[(funnel["group_kind"] == "all") & (funnel["unit"] == "file")].set_index("status").reindex(list(FILE_STATUSES))
    fig, ax = new_figure()
    positions = np.arange(len(FILE_STATUSES))[::-1]
    share = rows["share"].to_numpy(dtype=float)
    errors = np.vstack([share - rows["share_low"].to_numpy(dtype=float), rows["share_high"].to_numpy(dtype=float) - share])
    ax.barh(positions, share, color=[PALETTE[2], PALETTE[1], PALETTE[3], "#999999"], xerr=errors, capsize=3)
    labels = [message("takedowns", f"funnel_status_{s}", lang) for s in FILE_STATUSES]
    ax.set_yticks(positions, labels)
    for y, n, total, high in zip(positions, rows["n"], rows["total"], rows["share_high"], strict=True):
        ax.text(min(high + 0.015, 0.85), y, f"{int(n):,} / {int(total):,}", va="center", fontsize=8.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel(message("takedowns", "funnel_xlabel", lang))
    ax.set_title(message("takedowns", "funnel_title", lang)).set_gid("figure-title")
    ax.grid(axis="y", visible=False)
    fig.subplots_adjust(left=0.2)  # room for the status labels
    return credit.finish(fig, stem, note)


def risk_days(horizon_days: float = KM_HORIZON_DAYS) -> np.ndarray:
    """The days at which the numbers at risk are shown under a Kaplan–Meier figure (seven, evenly spaced)."""
    return np.linspace(0.0, horizon_days, 7)


def km_figure(
    curves: pd.DataFrame,
    stem: str | os.PathLike[str],
    credit: Credit,
    *,
    horizon_days: float = KM_HORIZON_DAYS,
    at_risk: pd.DataFrame | None = None,
    min_count: int | None = None,
) -> list[Path]:
    """Kaplan–Meier curves (share of URLs still online) per group, with pointwise 95% bands and numbers at risk.

    Under the curves, a table gives each group's number at risk at the days of :func:`risk_days`,
    as readers of survival curves expect (Pocock, Clayton & Altman, *Lancet* 2002): ``at_risk``
    is :func:`research.takedowns.survival.numbers_at_risk` at those days (groups in rows; a
    missing value, for a curve without numbers at risk, shows as "–"). ``min_count`` (the
    disclosure threshold, for a private log) shows a number under it as ``<min_count``. ``credit``
    gives the caption, the stamp and the language.
    """
    lang = credit.lang
    fig, axes = new_figure(nrows=2, sharex=True, gridspec_kw={"height_ratios": [4, 1.1]}, figsize=(7.5, 5.6))
    ax, risk = np.ravel(axes)  # the curves, and the numbers at risk under them
    groups = list(curves.groupby("group", sort=True))
    labels = []
    for colour, (group, rows) in zip(PALETTE, groups, strict=False):
        rows = rows[rows["days"] <= horizon_days]
        days = np.r_[0.0, rows["days"].to_numpy()]
        label = message("takedowns", f"channel_{group}", lang) if group in CHANNELS else str(group)
        labels.append((label, colour))
        ax.step(days, np.r_[1.0, rows["survival"].to_numpy()], where="post", color=colour, label=label)
        ax.fill_between(days, np.r_[1.0, rows["survival_low"].to_numpy()], np.r_[1.0, rows["survival_high"].to_numpy()], step="post", color=colour, alpha=0.2, linewidth=0)
    ax.set_xlim(0, horizon_days)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(message("takedowns", "km_ylabel", lang))
    ax.set_title(message("takedowns", "km_title", lang)).set_gid("figure-title")
    ax.legend(loc="upper right")
    ticks = risk_days(horizon_days)
    names = [group for group, _ in groups]
    counts = (at_risk if at_risk is not None else pd.DataFrame(np.nan, index=names, columns=ticks)).reindex(index=names)
    risk.set_ylim(-0.5, max(len(labels), 1) - 0.5)
    risk.set_yticks(range(len(labels)), [label for label, _ in labels][::-1] if labels else [])
    for row, ((label, colour), (_, values)) in enumerate(zip(labels, counts.iterrows(), strict=False)):
        y = len(labels) - 1 - row
        for day, value in zip(ticks, values, strict=True):
            if not np.isfinite(value):
                shown = "–"
            else:
                shown = f"<{min_count}" if min_count is not None and 0 < value < min_count else f"{int(value):,}"
            risk.text(day, y, shown, ha="center", va="center", fontsize=7.5, color=colour)
    risk.set_xticks(ticks)
    risk.tick_params(axis="y", length=0, labelsize=7.5)
    risk.grid(False)
    for side in ("top", "right", "left"):
        risk.spines[side].set_visible(False)
    risk.set_title(message("takedowns", "km_at_risk", lang), fontsize=8, loc="left")
    risk.set_xlabel(message("takedowns", "km_xlabel", lang))
    return credit.finish(fig, stem, message("takedowns", "km_note", lang))
