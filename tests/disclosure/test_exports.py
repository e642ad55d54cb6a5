"""Every table the pipeline exports passes the attacker: no hidden count can be worked out."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from research.config import SEED, paths
from research.pipeline.s25_takedown_logs import STAGE as TAKEDOWN_LOGS
from research.pipeline.s30_takedowns import STAGE as TAKEDOWNS
from research.pipeline.s40_networks import STAGE as NETWORKS
from research.report.disclosure import SPECS
from research.report.takedown_disclosure import TAKEDOWN_LOG, linked
from tests.disclosure.attacker import PRIMARY, SECONDARY, attack


@pytest.fixture(scope="module")
def project(tmp_path_factory, repo_paths):
    root = tmp_path_factory.mktemp("project")
    (root / "data" / "raw").mkdir(parents=True)
    shutil.copy(repo_paths.figures_csv, root / "data" / "raw" / "figures.csv")
    shutil.copytree(repo_paths.raw / "external", root / "data" / "raw" / "external")
    project = paths(root)
    TAKEDOWN_LOGS.run(project, {"seed": SEED, "files": 400})
    # The attacker reads tables only: the figures are drawn in one language (the pipeline test draws all four).
    TAKEDOWNS.run(project, {**TAKEDOWNS.parameters, "figure_languages": ["en"]})
    NETWORKS.run(project, {"lang": "en", "seed": SEED, "top": 30, "figure_languages": ["en"]})
    return project


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("source", ["synthetic", "lumen"])
def test_takedown_tables_pass_the_attacker(project, source):
    folder = project.tables / "takedowns" / source
    tables = sorted(folder.glob("*.csv"))
    assert {"funnel.csv", "time_to_removal.csv", "group_tests.csv", "survival_curves.csv", "reemergence.csv"} <= {t.name for t in tables}
    for path in tables:
        # Fail closed: every exported takedown table declares its counts, rates and relations.
        assert path.stem in SPECS, f"{path.name} has no disclosure spec"
        spec = SPECS[path.stem]
        table = _read(path)
        assert set(spec.counts) & set(table.columns) or not any(table.isin([PRIMARY, SECONDARY]).any()), path.name
        leaks = attack(table, spec.counts, spec.relations, spec.rates)
        assert leaks == [], f"{path.name}: {leaks[:3]}"


def _takedown_stack(folder) -> pd.DataFrame:
    """The tables of one log joined the way a reader would join them (keys as in TAKEDOWN_LOG)."""
    parts = [linked(path.stem, _read(path), "channel").assign(_table=path.stem) for path in sorted(folder.glob("*.csv"))]
    return pd.concat(parts, ignore_index=True).fillna("")


@pytest.mark.parametrize("source", ["synthetic", "lumen"])
def test_takedown_tables_pass_the_attacker_together(project, source):
    """A count hidden in one table is not read off, or worked out from, another table of the log."""
    stack = _takedown_stack(project.tables / "takedowns" / source)
    rates = {r: parts for name in ("funnel", "time_to_removal", "reemergence") for r, parts in SPECS[name].rates.items() if r != "share"}
    assert attack(stack, TAKEDOWN_LOG.counts, TAKEDOWN_LOG.relations, rates) == []


def test_takedown_relations_hold_and_link_the_tables(project):
    """The cross-table relations are used (else the check above proves nothing)."""
    from tests.disclosure.attacker import _equations

    stack = _takedown_stack(project.tables / "takedowns" / "synthetic")
    equations = _equations(stack, TAKEDOWN_LOG.relations)
    across = [eq for eq in equations if len({stack["_table"].iloc[row] for row, _ in eq}) > 1]
    assert len(across) >= 3 * 4  # removed, censored and the medians' counts of each channel
    lumen = _takedown_stack(project.tables / "takedowns" / "lumen")
    assert lumen.loc[lumen["_table"] == "time_to_removal", ["removed_dated", "censored"]].isin([PRIMARY]).to_numpy().any()


def test_an_unknown_takedown_table_is_refused():
    from research.errors import PrivacyError
    from research.report.takedown_disclosure import disclose_log_tables

    with pytest.raises(PrivacyError, match="no disclosure spec"):
        disclose_log_tables({"new_table": (pd.DataFrame({"n": [3]}), ("n",), {})}, "channel", synthetic=True)


@pytest.mark.parametrize("source", ["synthetic", "lumen"])
def test_funnels_needed_secondary_suppression(project, source):
    """The funnels have small counts beside totals: some complementary cells must be hidden."""
    funnel = _read(project.tables / "takedowns" / source / "funnel.csv")
    assert (funnel["n"] == PRIMARY).any() and (funnel[["n", "total"]] == SECONDARY).to_numpy().any()


def test_google_tables_are_published_aggregates_with_nothing_hidden(project):
    for path in sorted((project.tables / "takedowns" / "google").glob("*.csv")):
        table = _read(path)
        assert not table.isin([PRIMARY, SECONDARY]).to_numpy().any(), path.name


def _network_stack(folder) -> pd.DataFrame:
    """The network tables joined the way a reader would join them, keyed for the relations."""
    nodes = _read(folder / "nodes.csv")
    nodes["_key"], nodes["_layer"] = nodes["id"], nodes["layer"]
    domains = nodes["layer"] == "domain"
    community = "community:" + nodes["mirror_community"].str.replace(r"\.0$", "", regex=True)
    nodes["_member_of"] = community.where(domains & (nodes["mirror_community"] != ""), "")
    links = _read(folder / "layer_edges.csv")
    links["_source"] = links["source_layer"] + ":" + links["source"]
    links["_target"] = links["target_layer"] + ":" + links["target"]
    communities = _read(folder / "communities.csv")
    communities["_key"] = "community:" + communities["community"]
    edges = _read(folder / "edges.csv")
    of = dict(zip(nodes.loc[domains, "name"], nodes.loc[domains, "_member_of"]))
    a, b = edges["source"].map(of), edges["target"].map(of)
    edges["_member_of"] = a.where(a == b, "")
    concentration = _read(folder / "concentration.csv")
    concentration["_key"] = concentration["level"].replace({"hosting_provider": "provider"})
    parts = {"nodes": nodes, "layer_edges": links, "communities": communities, "edges": edges, "concentration": concentration}
    return pd.concat([t.assign(_table=name) for name, t in parts.items()], ignore_index=True).fillna("")


def test_network_tables_pass_the_attacker_together(project):
    folder = project.processed / "network" / "synthetic"
    stack = _network_stack(folder)
    spec = SPECS["network"]
    assert attack(stack, spec.counts, spec.relations, spec.rates) == []
    for name in ("rankings", "model_folds", "model_calibration", "response_clusters"):
        spec = SPECS[name]
        assert attack(_read(folder / f"{name}.csv"), spec.counts, spec.relations, spec.rates) == [], name


def test_network_relations_are_used(project):
    """The stack has relations that hold (else the check above would prove nothing) and hidden cells."""
    stack = _network_stack(project.processed / "network" / "synthetic")
    assert stack[["urls", "non_removed", "shared_content"]].isin([PRIMARY]).to_numpy().any()
    from tests.disclosure.attacker import _equations

    assert len(_equations(stack, SPECS["network"].relations)) > 50


def test_repeated_counts_are_withheld_alike(project):
    """Rankings and the graph exports repeat the node counts: they must show exactly the same."""
    folder = project.processed / "network" / "synthetic"
    nodes = _read(folder / "nodes.csv").set_index("id")
    rankings = _read(folder / "rankings.csv")
    ids = rankings["level"].replace({"hosting_provider": "provider"}) + ":" + rankings["node"]
    for column in ("urls", "decided", "non_removed"):
        assert rankings[column].tolist() == nodes.loc[ids, column].tolist(), column
    exported = _read(project.reports / "networks" / "synthetic" / "co_hosting_edges.csv")
    edges = _read(folder / "edges.csv")
    # reports/ keeps the strongest links only (issue 12): a bounded subset of the processed list
    from research.pipeline.s40_networks import EXPORT_MAX_EDGES

    assert 0 < len(exported) <= min(len(edges), EXPORT_MAX_EDGES)
    edges = edges.set_index(["source", "target"]).loc[list(zip(exported["source"], exported["target"], strict=True))].reset_index()
    assert exported["shared_content"].tolist() == edges["shared_content"].tolist()
    # Gephi weights are the published Newman weights, and missing where the shared count is withheld
    weight = pd.to_numeric(exported["weight"], errors="coerce")
    shown = ~edges["shared_content"].isin([PRIMARY, SECONDARY])
    assert weight[shown].tolist() == pytest.approx(pd.to_numeric(edges["co_hosting_weight"][shown]).astype(float).tolist())
    assert weight[~shown].isna().all()
    assert pd.to_numeric(edges["co_hosting_weight"][~shown], errors="coerce").isna().all()


def test_lorenz_points_give_no_partial_sum_of_hidden_counts(project):
    """value_share at k/n is the sum of the k smallest counts: published only if that bottom group
    holds none or all of the withheld counts (ranks of hidden cells taken as widely as possible)."""
    folder = project.processed / "network" / "synthetic"
    nodes = _read(folder / "nodes.csv")
    lorenz = _read(folder / "lorenz.csv")
    checked = 0
    for level, points in lorenz.groupby("level"):
        layer = nodes[nodes["layer"] == {"hosting_provider": "provider"}.get(level, level)]
        hidden = layer["non_removed"].isin([PRIMARY, SECONDARY])
        if not hidden.any():
            continue
        shown = pd.to_numeric(layer["non_removed"][~hidden]).to_numpy()
        # a hidden "<10" cell may rank anywhere among counts up to 9; a "[c]" one anywhere above
        lowest = min((shown < (0 if v == PRIMARY else 10)).sum() for v in layer["non_removed"][hidden])
        highest = max(len(layer) - (shown > (9 if v == PRIMARY else 1e18)).sum() for v in layer["non_removed"][hidden])
        k = (pd.to_numeric(points["population_share"]) * len(layer)).round()
        published = points["value_share"] != ""
        assert not (published & (k > lowest) & (k < highest)).any(), level
        checked += 1
    assert checked


@pytest.mark.parametrize("by, column", [("provider", "hosting_provider"), ("country", "country")])
def test_takedowns_analyse_tables_pass_the_attacker_together(project, tmp_path, by, column):
    """``research takedowns analyse`` discloses its tables together too, for any grouping."""
    from typer.testing import CliRunner

    from research.cli import app

    out = tmp_path / by
    log = project.processed / "takedowns" / "synthetic" / "takedowns.parquet"
    result = CliRunner().invoke(app, ["takedowns", "analyse", str(log), "--out", str(out), "--by", by])
    assert result.exit_code == 0, result.output
    parts = [linked(path.stem, _read(path), column).assign(_table=path.stem) for path in sorted(out.glob("*.csv"))]
    stack = pd.concat(parts, ignore_index=True).fillna("")
    assert set(stack["_table"]) == {"funnel", "funnel_detail", "time_to_removal", "survival_curves", "group_tests", "reemergence"}
    rates = {r: parts for name in ("funnel", "time_to_removal") for r, parts in SPECS[name].rates.items() if r != "share"}
    assert attack(stack, TAKEDOWN_LOG.counts, TAKEDOWN_LOG.relations, rates) == []
    for stem in set(stack["_table"]):
        table = _read(out / f"{stem}.csv")
        spec = SPECS[stem]
        assert attack(table, spec.counts, spec.relations, spec.rates) == [], stem
