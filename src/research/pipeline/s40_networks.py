"""Stage: hosting-site networks of the synthetic takedown log → ``data/processed/network/synthetic/``,
``reports/networks/synthetic/`` (GEXF, GraphML, node/edge tables) and ``reports/figures/networks/``.

:func:`write_network_outputs` is shared with ``research network build``. Every table passes the
report's disclosure control (counts under 10 shown as ``"<10"``, rates resting on them blanked,
synthetic tables watermarked) before it reaches the disk; nothing below domain level is written.

The GEXF/GraphML co-hosting export keeps the ``EXPORT_MAX_EDGES`` strongest links (most shared
files; every domain stays as a node) so Gephi can open it; the graph records ``edges_total`` and
``edges_exported``, and the complete edge list is in ``co_hosting_edges.csv`` and ``edges.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from research.clean.read_table import read_parquet_file
from research.config import SEED, ProjectPaths
from research.errors import InputError, ResearchError
from research.i18n import message
from research.networks.build import NetworkBuild, build_network
from research.networks.export import graph_from_tables, strongest_edges, write_gexf, write_graphml
from research.outputs import write_table
from research.pipeline import Stage
from research.plots.networks import lorenz_figure, network_figure
from research.report.disclosure import disclose, suppressed_label

RATE_PARTS = {"non_removal_rate": ("non_removed", "decided"), "eb_rate": ("non_removed", "decided")}
#: Co-hosting links written to GEXF/GraphML (strongest first); the CSV edge lists keep them all.
EXPORT_MAX_EDGES = 10_000
COUNT_COLUMNS = {"urls", "decided", "non_removed", "shared_content", "domains", "internal_shared_content", "non_removed_total", "train_urls", "test_urls", "test_domains"}


def read_log(path: Path) -> pd.DataFrame:
    """Read a cleaned takedown log (Parquet, or CSV as written beside it)."""
    if not path.exists():
        raise InputError("no such takedown log; clean one first with `research takedowns clean`", file=str(path))
    if path.suffix.lower() == ".parquet":
        return read_parquet_file(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype={"content_id": str, "url_id": str, "asn": str}, keep_default_na=True)
    raise InputError("a takedown log must be .parquet or .csv", file=str(path), value=path.suffix)


def _disclosed(table: pd.DataFrame, synthetic: bool, name: str, rates: Mapping[str, tuple[str | None, str]] | None = None) -> pd.DataFrame:
    counts = [c for c in table.columns if c in COUNT_COLUMNS]
    rates = dict(rates if rates is not None else {r: parts for r, parts in RATE_PARTS.items() if r in table.columns})
    return disclose(table, origin="takedown_log", synthetic=synthetic, count_columns=counts, rates=rates, name=name).frame


def _tables(build: NetworkBuild) -> dict[str, pd.DataFrame]:
    """Every processed table, disclosed, by file stem."""
    s = build.synthetic
    edges = build.co_hosting_edges.rename(columns={"domain_a": "source", "domain_b": "target"})
    model = build.model
    tables = {
        "nodes": _disclosed(build.nodes, s, "nodes"),
        "edges": _disclosed(edges, s, "edges"),
        "layer_edges": _disclosed(build.layer_edges, s, "layer_edges", {}),
        "rankings": _disclosed(build.rankings, s, "rankings"),
        "communities": _disclosed(build.communities, s, "communities", {"non_removal_rate": ("non_removed", "decided"), "share_of_all_non_removed": ("non_removed", "decided")}),
        "concentration": _disclosed(build.concentration, s, "concentration", {"share": (None, "non_removed_total")}),
        "lorenz": _disclosed(build.lorenz, s, "lorenz", {}),
        "eb_priors": _disclosed(build.priors, s, "eb_priors", {}),
        "model_metrics": _disclosed(model.metrics, s, "model_metrics", {}),
        "response_clusters": _disclosed(build.profiles.profiles, s, "response_clusters", {}),
        "response_cluster_k": _disclosed(build.profiles.silhouettes, s, "response_cluster_k", {}),
    }
    if model.fitted:
        tables["model_folds"] = _disclosed(model.folds, s, "model_folds", {"auc": (None, "test_urls")})
        tables["model_effects"] = _disclosed(model.effects, s, "model_effects", {})
        tables["model_coefficients"] = _disclosed(model.coefficients, s, "model_coefficients", {})
        tables["model_calibration"] = _disclosed(model.calibration, s, "model_calibration", {"observed_rate": (None, "urls")})
    return tables


def _graph_exports(tables: dict[str, pd.DataFrame], synthetic: bool) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, bool]]:
    """Node and edge tables of the two exported graphs: co-hosting (domains) and layers."""
    nodes = tables["nodes"]
    domains = nodes[nodes["layer"] == "domain"].assign(id=lambda d: d["name"]).drop(columns=["name"])
    edges = tables["edges"].copy()
    # Gephi needs a numeric weight; a suppressed count has none, so that edge keeps weight 1 (default).
    edges["weight"] = pd.to_numeric(edges["shared_content"].where(edges["shared_content"] != suppressed_label()), errors="coerce")
    layer_nodes = nodes.drop(columns=["mirror_community", "response_cluster", "co_hosting_degree"])
    layer_edges = tables["layer_edges"].assign(
        source=lambda d: d["source_layer"] + ":" + d["source"], target=lambda d: d["target_layer"] + ":" + d["target"]
    ).drop(columns=["source_layer", "target_layer"])
    return {"co_hosting": (domains, edges, False), "layers": (layer_nodes, layer_edges, True)}


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
    status: pd.DataFrame | None = None,
) -> tuple[NetworkBuild, list[Path]]:
    """Build the network of ``log_path`` and write tables, graph exports and figures.

    ``status`` (one row per URL) may be given when already computed, e.g. by the Dask engine.
    """
    log = read_log(log_path) if status is None else status.iloc[:0]
    build = build_network(log, seed=seed, source=log_path.name, status=status)
    parameters = {"seed": seed, "top": top, "lang": lang}
    written: list[Path] = []
    tables = _tables(build)
    for stem, table in sorted(tables.items()):
        written += write_table(table, processed_dir / f"{stem}.csv", inputs=[log_path], parameters=parameters, root=root)
    for name, (nodes, edges, directed) in _graph_exports(tables, build.synthetic).items():
        written += write_table(nodes, reports_dir / f"{name}_nodes.csv", inputs=[log_path], parameters=parameters, root=root)
        written += write_table(edges, reports_dir / f"{name}_edges.csv", inputs=[log_path], parameters=parameters, root=root)
        exported = strongest_edges(edges, EXPORT_MAX_EDGES, weight="weight" if "weight" in edges.columns else "urls")
        graph = graph_from_tables(nodes, exported, directed=directed)
        graph.graph.update({"name": name, "synthetic": build.synthetic, "seed": seed, "edges_total": len(edges), "edges_exported": len(exported)})
        written += [write_gexf(graph, reports_dir / f"{name}.gexf"), write_graphml(graph, reports_dir / f"{name}.graphml")]
    top_rankings = tables["rankings"].groupby("level", sort=False).head(top)
    written += write_table(top_rankings, reports_dir / "rankings_top.csv", inputs=[log_path], parameters=parameters, root=root)
    source = message("networks", "source_synthetic" if build.synthetic else "source_log", lang, name=log_path.name)
    domains = build.nodes[build.nodes["layer"] == "domain"]
    written += network_figure(build.co_hosting_edges, domains, figures_dir / "co_hosting_network", top=top, sources=[source], synthetic=build.synthetic, lang=lang, seed=seed)
    written += lorenz_figure(build.lorenz, build.concentration, figures_dir / "lorenz", sources=[source], synthetic=build.synthetic, lang=lang)
    return build, written


def synthetic_log(paths: ProjectPaths) -> Path:
    """The cleaned synthetic log written by the takedowns stage."""
    return paths.processed / "takedowns" / "synthetic" / "takedowns.parquet"


def inputs(paths: ProjectPaths) -> list[Path]:
    return [p for p in [synthetic_log(paths)] if p.exists()]


def run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    log_path = synthetic_log(paths)
    if not log_path.exists():
        raise ResearchError(f"{log_path} does not exist: the takedowns stage writes it (research reproduce --only takedowns)")
    _, written = write_network_outputs(
        log_path,
        paths.processed / "network" / "synthetic",
        paths.reports / "networks" / "synthetic",
        paths.figures / "networks" / "synthetic",
        top=int(parameters["top"]),
        seed=int(parameters["seed"]),
        lang=str(parameters["lang"]),
        root=paths.root,
    )
    return written


STAGE = Stage(
    name="networks",
    description="co-hosting network, layers, rankings with intervals, mirror clusters, concentration, model, exports",
    inputs=inputs,
    run=run,
    parameters={"lang": "en", "seed": SEED, "top": 30},
)
