"""Figures of the hosting-site network: the co-hosting graph and the Lorenz curve of non-removal.

Colours follow the house style: the sequential map is ``cividis`` (readable in grey and for
colour-blind readers), lines use the Okabe–Ito palette. Every text comes from the ``networks``
message catalogue; figures from a synthetic log carry the watermark.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd

from research.config import SEED
from research.i18n import message
from research.plots.style import PALETTE, SEQUENTIAL_CMAP, Credit, new_figure

LEVELS: tuple[str, ...] = ("domain", "hosting_provider", "country")


def _finish(fig, credit: Credit, note: str | None, stem: str | os.PathLike[str]) -> list[Path]:
    """Caption (with the synthetic log's note when synthetic), stamp and save."""
    notes = [n for n in (note, message("networks", "synthetic_note", credit.lang) if credit.synthetic else None) if n]
    return credit.finish(fig, stem, "\n".join(notes) or None)


def network_figure(
    edges: pd.DataFrame,
    domains: pd.DataFrame,
    stem: str | os.PathLike[str],
    credit: Credit,
    *,
    top: int = 30,
    seed: int = SEED,
) -> list[Path]:
    """Draw the co-hosting graph of the ``top`` domains by reported URLs, coloured by shrunken rate.

    Parameters
    ----------
    edges
        Co-hosting edges ``domain_a, domain_b, shared_content`` and, where present,
        ``co_hosting_weight`` (:func:`research.networks.bipartite.co_hosting_edges`; Newman's
        weight is drawn when present, so a hub file does not pull every site together); only
        those among the drawn domains are used.
    domains
        One row per domain with ``name``, ``urls`` and ``eb_rate``.
    stem
        Output path without suffix (PNG, SVG and PDF are written).
    credit
        Caption, stamp and language.
    top
        How many domains are drawn.
    seed
        Seed of the spring layout.
    """
    lang = credit.lang
    chosen = domains.sort_values(["urls", "name"], ascending=[False, True], kind="mergesort").head(top)
    names = sorted(chosen["name"])
    sub = nx.Graph()
    sub.add_nodes_from(names)
    among = edges[edges["domain_a"].isin(names) & edges["domain_b"].isin(names)]
    weight = among["co_hosting_weight"].astype(float) if "co_hosting_weight" in among.columns else among["shared_content"].astype(float)
    sub.add_weighted_edges_from(sorted(zip(among["domain_a"].astype(str), among["domain_b"].astype(str), weight)))
    position = nx.spring_layout(sub, weight="weight", seed=seed, k=1.5 / np.sqrt(max(len(names), 1)))
    lookup = chosen.set_index("name")
    fig, ax = new_figure(figsize=(9, 7.5))
    ax.set_axis_off()
    ax.grid(False)
    weights = np.array([d["weight"] for _, _, d in sub.edges(data=True)], dtype=float)
    if len(weights):
        nx.draw_networkx_edges(sub, position, ax=ax, width=0.4 + 2.6 * np.sqrt(weights / weights.max()), edge_color="#999999", alpha=0.5)
    urls = lookup.loc[names, "urls"].to_numpy(dtype=float)
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    drawn = nx.draw_networkx_nodes(
        sub, position, ax=ax, node_size=40 + 900 * np.sqrt(urls / urls.max()), node_color=lookup.loc[names, "eb_rate"].to_numpy(dtype=float),
        cmap=cmap, vmin=0.0, vmax=1.0, edgecolors="#333333", linewidths=0.5,
    )
    labels = nx.draw_networkx_labels(sub, position, ax=ax, font_size=7)
    for text in labels.values():
        text.set_bbox({"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5})
    colorbar = fig.colorbar(drawn, ax=ax, fraction=0.035, pad=0.01)
    colorbar.set_label(message("networks", "network_colorbar", lang), fontsize=8)
    ax.set_title(message("networks", "network_title", lang, top=len(names))).set_gid("figure-title")
    return _finish(fig, credit, message("networks", "network_note", lang), stem)


def lorenz_figure(lorenz: pd.DataFrame, concentration: pd.DataFrame, stem: str | os.PathLike[str], credit: Credit) -> list[Path]:
    """Lorenz curves of non-removed URLs across domains, providers and countries, with their Gini."""
    lang = credit.lang
    fig, ax = new_figure(figsize=(6.5, 6))
    ax.plot([0, 1], [0, 1], color="#777777", linestyle="--", linewidth=1, label=message("networks", "lorenz_equality", lang))
    gini_of = concentration.drop_duplicates("level").set_index("level")["gini"]
    for colour, level in zip(PALETTE, LEVELS):
        curve = lorenz[lorenz["level"] == level]
        if curve.empty:
            continue
        level_name = message("networks", f"level_{level}", lang)
        ax.plot(curve["population_share"], curve["value_share"], color=colour, linewidth=1.8, drawstyle="default",
                label=message("networks", "lorenz_legend", lang, level=level_name, gini=f"{gini_of.get(level, np.nan):.2f}"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(message("networks", "lorenz_x", lang))
    ax.set_ylabel(message("networks", "lorenz_y", lang))
    ax.set_title(message("networks", "lorenz_title", lang)).set_gid("figure-title")
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, credit, None, stem)
