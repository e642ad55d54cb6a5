"""Stage: hosting-site networks of the synthetic takedown log → ``data/processed/network/synthetic/``,
``reports/networks/synthetic/`` (GEXF, GraphML, node/edge tables) and ``reports/figures/networks/``.

:func:`write_network_outputs` is shared with ``research network build``. Every table passes the
report's disclosure control (counts under 10 shown as ``"<10"``, rates resting on them blanked,
synthetic tables watermarked) before it reaches the disk; nothing below domain level is written.

Co-hosting links are weighted by Newman's ``co_hosting_weight`` (a file on ``k`` sites adds
``1/(k − 1)`` to each of its pairs, :mod:`research.networks.bipartite`). Nothing under
``reports/`` is an unbounded edge list: the GEXF/GraphML export and ``co_hosting_edges.csv`` keep
the ``EXPORT_MAX_EDGES`` strongest links (largest weight; every domain stays as a node); the graph
records ``edges_total`` and ``edges_exported``, and the complete list stays in the processed
``edges.csv``. ``co_hosting_summary.csv`` says how many files are hubs (on
:data:`research.networks.bipartite.HUB_MIN_SITES` sites or more), how many links there are and
how many were kept; the stage warns when there are hubs.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from research.clean.read_table import read_parquet_file
from research.config import SEED, SUPPRESSION_THRESHOLD, ProjectPaths
from research.errors import InputError, ResearchError
from research.i18n import FIGURE_LANGUAGES, message
from research.networks.build import NetworkBuild, build_network
from research.networks.export import graph_from_tables, strongest_edges, write_gexf, write_graphml
from research.outputs import remove_sidecars, write_table
from research.pipeline import Stage
from research.pipeline.s25_takedown_logs import cleaned_log
from research.plots.networks import lorenz_figure, network_figure
from research.plots.style import Credit, draw_in_languages
from research.report.disclosure import SPECS, DisclosedTable, carry_withheld, disclose, disclose_together

#: Co-hosting links written under reports/ (GEXF, GraphML, CSV; strongest first); the processed
#: ``edges.csv`` keeps them all.
EXPORT_MAX_EDGES = 10_000
#: Ranking levels as node layers (node ids are ``<layer>:<name>``).
LEVEL_LAYERS = {"hosting_provider": "provider"}


def read_log(path: Path) -> pd.DataFrame:
    """Read a cleaned takedown log (Parquet, or CSV as written beside it)."""
    if not path.exists():
        raise InputError("no such takedown log; clean one first with `research takedowns clean`", file=str(path))
    if path.suffix.lower() == ".parquet":
        return read_parquet_file(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype={"content_id": str, "url_id": str, "asn": str}, keep_default_na=True)
    raise InputError("a takedown log must be .parquet or .csv", file=str(path), value=path.suffix)


def _disclosed(table: pd.DataFrame, synthetic: bool, name: str) -> pd.DataFrame:
    # The spec of each table (counts, rates, relations) is declared once: disclosure.SPECS.
    return disclose(table, origin="takedown_log", synthetic=synthetic, spec=name, name=name).frame


def _community_key(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return ("community:" + numbers.astype("Int64").astype("string")).astype(object).where(numbers.notna(), None)


def _linked(build: NetworkBuild, edges: pd.DataFrame) -> dict[str, DisclosedTable]:
    """Nodes, layer links, communities, co-hosting links and concentration, suppressed together.

    They share counts (see ``disclosure.SPECS["network"]``): a small count hidden in one must not
    be worked out from another.
    """
    nodes = build.nodes.assign(_key=build.nodes["id"], _layer=build.nodes["layer"])
    domain_rows = nodes["layer"] == "domain"
    nodes["_member_of"] = _community_key(nodes["mirror_community"]).where(domain_rows, None)
    layer_edges = build.layer_edges.assign(
        _source=build.layer_edges["source_layer"] + ":" + build.layer_edges["source"], _target=build.layer_edges["target_layer"] + ":" + build.layer_edges["target"]
    )
    communities = build.communities.assign(_key=_community_key(build.communities["community"]))
    community_of = pd.Series(nodes.loc[domain_rows, "_member_of"].to_numpy(), index=nodes.loc[domain_rows, "name"].to_numpy())
    ends = edges["source"].map(community_of), edges["target"].map(community_of)
    linked_edges = edges.assign(_member_of=ends[0].where(ends[0] == ends[1], None))
    concentration = build.concentration.assign(_key=build.concentration["level"].map(lambda level: LEVEL_LAYERS.get(level, level)))
    parts = {"nodes": nodes, "layer_edges": layer_edges, "communities": communities, "edges": linked_edges, "concentration": concentration}
    disclosed = disclose_together(parts, "network", synthetic=build.synthetic, name="network")
    # A top-k share times the published total is the sum of the top nodes' counts.
    top = build.concentration
    hidden_names = set(nodes.loc[disclosed["nodes"].hidden["non_removed"].to_numpy(), "_key"])
    withheld = [any(f"{LEVEL_LAYERS.get(level, level)}:{n}" in hidden_names for n in str(names).split(";")) for level, names in zip(top["level"], top["top_nodes"])]
    frame = disclosed["concentration"].frame
    frame.loc[withheld, [c for c in ("share", "share_low", "share_high") if c in frame.columns]] = ""
    return disclosed


def _withhold_lorenz(lorenz: pd.DataFrame, nodes: pd.DataFrame, shown: DisclosedTable) -> pd.DataFrame:
    """Blank the Lorenz points whose bottom group may hold some, but not all, withheld counts.

    A point ``k/n`` is the sum of the ``k`` smallest counts over the total; where the bottom group
    may hold some of the withheld counts it gives partial sums of hidden cells away. Points below
    hold only published counts, points above all withheld ones (whose sum the published total
    gives anyway). Ranks are those a reader must allow for, knowing only the labels.
    """
    out = lorenz.copy()
    hidden = shown.hidden["non_removed"].to_numpy()
    values = shown.values["non_removed"].to_numpy(dtype=float)
    for level in out["level"].unique():
        layer = LEVEL_LAYERS.get(level, level)
        rows = (nodes["layer"] == layer).to_numpy()
        if not hidden[rows].any():
            continue
        v, h = values[rows], hidden[rows]
        published = v[~h]
        # Ranks a reader must allow for a withheld count: "<10" anywhere among the counts up to 9,
        # "[c]" anywhere among those of 10 or more.
        small = v[h] < SUPPRESSION_THRESHOLD
        lowest = 0 if small.any() else int((published < SUPPRESSION_THRESHOLD).sum())
        highest = int(rows.sum()) if (~small).any() else int(rows.sum() - (published >= SUPPRESSION_THRESHOLD).sum())
        k = (out["population_share"].astype(float) * rows.sum()).round()
        blank = (out["level"] == level) & (k > lowest) & (k < highest)
        out["value_share"] = out["value_share"].astype(object).where(~blank, "")
    return out


def _tables(build: NetworkBuild) -> tuple[dict[str, pd.DataFrame], pd.Series]:
    """Every processed table, disclosed, by file stem; and the co-hosting links' numeric weights."""
    s = build.synthetic
    edges = build.co_hosting_edges.rename(columns={"domain_a": "source", "domain_b": "target"})
    model = build.model
    linked = _linked(build, edges)
    node_keys = build.nodes["id"]
    ranking_keys = build.rankings["level"].map(lambda level: LEVEL_LAYERS.get(level, level)) + ":" + build.rankings["node"].astype(str)
    rankings = carry_withheld(build.rankings, linked["nodes"], ranking_keys, node_keys, SPECS["rankings"].counts)
    tables = {
        **{name: linked[name].frame for name in ("nodes", "edges", "layer_edges", "communities", "concentration")},
        "rankings": _disclosed(rankings, s, "rankings"),
        "lorenz": _disclosed(_withhold_lorenz(build.lorenz, build.nodes, linked["nodes"]), s, "lorenz"),
        "eb_priors": _disclosed(build.priors, s, "eb_priors"),
        "model_metrics": _disclosed(model.metrics, s, "model_metrics"),
        "response_clusters": _disclosed(build.profiles.profiles, s, "response_clusters"),
        "response_cluster_k": _disclosed(build.profiles.silhouettes, s, "response_cluster_k"),
    }
    if model.fitted:
        # A model no better than chance (AUC interval reaching 0.5) publishes no coefficients or
        # effects: model_metrics carries the verdict in words.
        published = (("model_folds", model.folds), ("model_calibration", model.calibration))
        if model.predictive:
            published += (("model_effects", model.effects), ("model_coefficients", model.coefficients))
        for name, table in published:
            tables[name] = _disclosed(table, s, name)
    # Gephi needs a numeric weight: the count where it is published; a withheld one has none
    # (that link keeps Gephi's default weight 1). Numbers come from the disclosed table, never
    # from its text.
    shown = linked["edges"]
    # (Newman's weight rests on the shared files: none where their count is withheld.)
    hidden = shown.hidden["shared_content"].to_numpy(dtype=bool)
    weights = pd.Series(edges["co_hosting_weight"].to_numpy(dtype=float), index=shown.hidden.index).where(~hidden)
    tables["co_hosting_summary"] = _disclosed(co_hosting_summary(build, min(len(edges), EXPORT_MAX_EDGES)), s, "co_hosting_summary")
    return tables, weights


def co_hosting_summary(build: NetworkBuild, kept: int) -> pd.DataFrame:
    """One row: files, hub files (and the threshold), links, links made by hubs, links kept under reports/."""
    hubs = build.hubs
    return pd.DataFrame(
        [
            {
                "files": hubs.files,
                "hub_files": hubs.hub_files,
                "hub_min_sites": hubs.min_sites,
                "largest_file_sites": hubs.largest_sites,
                "links": hubs.links,
                "hub_file_pairs": hubs.links_from_hubs,
                "links_in_reports": kept,
                "weighting": "newman_2001_1/(k-1)",
            }
        ]
    )


def hub_warning(build: NetworkBuild, kept: int, lang: str = "en") -> str | None:
    """The warning about hub files, or ``None`` when there are none."""
    hubs = build.hubs
    if not hubs.has_hubs:
        return None
    return message(
        "networks", "hub_warning", lang,
        hubs=hubs.hub_files, min_sites=hubs.min_sites, largest=hubs.largest_sites, pairs=f"{hubs.links_from_hubs:,}", links=f"{hubs.links:,}", kept=f"{kept:,}",
    )


def _graph_exports(tables: dict[str, pd.DataFrame], weights: pd.Series) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, bool]]:
    """Node and edge tables of the two exported graphs: co-hosting (domains) and layers."""
    nodes = tables["nodes"]
    domains = nodes[nodes["layer"] == "domain"].assign(id=lambda d: d["name"]).drop(columns=["name"])
    edges = tables["edges"].copy()
    edges["weight"] = weights.to_numpy()
    layer_nodes = nodes.drop(columns=["mirror_community", "response_cluster", "co_hosting_degree"])
    layer_edges = tables["layer_edges"].assign(
        source=lambda d: d["source_layer"] + ":" + d["source"], target=lambda d: d["target_layer"] + ":" + d["target"]
    ).drop(columns=["source_layer", "target_layer"])
    return {"co_hosting": (domains, edges, False), "layers": (layer_nodes, layer_edges, True)}


#: Tables written only when the model was fitted (folds, calibration) or predicts (effects, coefficients).
OPTIONAL_TABLES = ("model_folds", "model_calibration", "model_effects", "model_coefficients")


def remove_unwritten(processed_dir: Path, written: set[str]) -> list[Path]:
    """Remove the optional tables (and their sidecars) an earlier run wrote but this one did not.

    A model that no longer predicts must not leave the coefficients of an earlier fit behind,
    where the report or a reader would take them for current (and the lineage audit would flag them).
    """
    stale = [processed_dir / f"{stem}.csv" for stem in OPTIONAL_TABLES if stem not in written]
    remove_sidecars(stale)
    removed = [target for target in stale if target.exists()]
    for target in removed:
        target.unlink()
    return removed


def write_network_outputs(
    log_path: Path,
    processed_dir: Path,
    reports_dir: Path,
    figures_dir: Path,
    *,
    top: int = 30,
    seed: int = SEED,
    lang: str = "en",
    root: Path | None = None,
    build: NetworkBuild | None = None,
    figure_languages: Sequence[str] = (),
) -> tuple[NetworkBuild, list[Path]]:
    """Build the network of ``log_path`` and write tables, graph exports and figures.

    ``build`` may be given when already computed with ``seed``, e.g. by the Dask engine
    (:func:`research.scale.files.network_with_dask`). The figures are drawn in ``lang`` into
    ``figures_dir`` and again in each of ``figure_languages`` into ``figures_dir/<lang>/`` (the
    report's pages in other languages).
    """
    if build is None:
        build = build_network(read_log(log_path), seed=seed, source=log_path.name)
    parameters = {"seed": seed, "top": top, "lang": lang}
    written: list[Path] = []
    tables, weights = _tables(build)
    for stem, table in sorted(tables.items()):
        written += write_table(table, processed_dir / f"{stem}.csv", inputs=[log_path], parameters=parameters, root=root)
    remove_unwritten(processed_dir, set(tables))
    for name, (nodes, edges, directed) in _graph_exports(tables, weights).items():
        exported = strongest_edges(edges, EXPORT_MAX_EDGES, weight="weight" if "weight" in edges.columns else "urls")
        written += write_table(nodes, reports_dir / f"{name}_nodes.csv", inputs=[log_path], parameters=parameters, root=root)
        written += write_table(exported, reports_dir / f"{name}_edges.csv", inputs=[log_path], parameters=parameters, root=root)
        graph = graph_from_tables(nodes, exported, directed=directed)
        graph.graph.update({"name": name, "synthetic": build.synthetic, "seed": seed, "edges_total": len(edges), "edges_exported": len(exported)})
        written += [write_gexf(graph, reports_dir / f"{name}.gexf"), write_graphml(graph, reports_dir / f"{name}.graphml")]
    top_rankings = tables["rankings"].groupby("level", sort=False).head(top)
    written += write_table(top_rankings, reports_dir / "rankings_top.csv", inputs=[log_path], parameters=parameters, root=root)
    domains = build.nodes[build.nodes["layer"] == "domain"]

    def draw(drawn_in: str, folder: Path) -> list[Path]:
        credit = Credit([message("networks", "source_synthetic" if build.synthetic else "source_log", drawn_in, name=log_path.name)], build.synthetic, drawn_in)
        return network_figure(build.co_hosting_edges, domains, folder / "co_hosting_network", credit, top=top, seed=seed) + lorenz_figure(
            build.lorenz, build.concentration, folder / "lorenz", credit
        )

    written += draw_in_languages(draw, figures_dir, lang, figure_languages)
    return build, written


def synthetic_log(paths: ProjectPaths) -> Path:
    """The cleaned synthetic log written by the takedown_logs stage."""
    return cleaned_log(paths, "synthetic")


def inputs(paths: ProjectPaths) -> list[Path]:
    return [p for p in [synthetic_log(paths)] if p.exists()]


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    log_path = synthetic_log(paths)
    if not log_path.exists():
        raise ResearchError(f"{log_path} does not exist: the takedown_logs stage writes it (research reproduce --only takedown_logs)")
    build, written = write_network_outputs(
        log_path,
        paths.processed / "network" / "synthetic",
        paths.reports / "networks" / "synthetic",
        paths.figures / "networks" / "synthetic",
        top=int(parameters["top"]),
        seed=int(parameters["seed"]),
        lang=str(parameters["lang"]),
        root=paths.root,
        figure_languages=tuple(parameters.get("figure_languages", FIGURE_LANGUAGES)),
    )
    warning = hub_warning(build, min(len(build.co_hosting_edges), EXPORT_MAX_EDGES), str(parameters["lang"]))
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return written


STAGE = Stage(
    name="networks",
    description="co-hosting network, layers, rankings with intervals, mirror clusters, concentration, model, exports",
    inputs=inputs,
    run=run,
    parameters={"lang": "en", "seed": SEED, "top": 30, "figure_languages": list(FIGURE_LANGUAGES)},
)
