"""The non-removal model: grouped CV without leakage, calibrated scores, AUC interval; domain clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.networks.model import fit_non_removal_model, grouped_folds, model_frame
from research.networks.profiles import cluster_domains, domain_profiles, median_days_to_removal
from research.networks.rankings import node_rates


def _status(seed: int = 0, domains: int = 24) -> pd.DataFrame:
    """URLs on sites whose non-removal depends on the provider's country (NL compliant, XX not)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(domains):
        country = ["NL", "XX", "US"][d % 3]
        p_online = {"NL": 0.1, "XX": 0.8, "US": 0.35}[country]
        for u in range(int(rng.integers(8, 30))):
            online = rng.random() < p_online
            rows.append(
                {
                    "url_id": f"u{d:02d}-{u:03d}",
                    "content_id": f"f{rng.integers(0, 60)}",
                    "domain": f"site{d:02d}.com",
                    "hosting_provider": f"host{d % 4}",
                    "country": country,
                    "channel": ["legal_notice", "platform_report"][u % 2],
                    "outcome": "online" if online else "removed",
                    "decided": True,
                    "non_removed": online,
                    "requested_at": pd.Timestamp("2024-01-01", tz="UTC"),
                    "resolved_at": pd.NaT if online else pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=int(rng.integers(1, 20))),
                }
            )
    return pd.DataFrame(rows)


def test_grouped_folds_never_share_a_domain():
    frame = model_frame(_status())
    folds = grouped_folds(frame["domain"], frame["non_removed"], n_splits=5, seed=1)
    seen_in_test = []
    for train, test in folds:
        train_domains, test_domains = set(frame["domain"].iloc[train]), set(frame["domain"].iloc[test])
        assert not train_domains & test_domains
        seen_in_test.extend(test_domains)
    assert sorted(seen_in_test) == sorted(frame["domain"].unique())  # each domain tested exactly once


def test_model_learns_country_effect_with_interval():
    result = fit_non_removal_model(_status(), n_splits=4, seed=3, bootstrap_replicates=100)
    assert result.fitted
    metrics = result.metrics.set_index("metric")
    auc = metrics.loc["auc_out_of_fold"]
    assert 0.7 < auc["value"] <= 1.0 and auc["low"] < auc["value"] < auc["high"]
    assert result.predictions["predicted"].between(0, 1).all()
    # Every URL predicted by the fold in which its domain was held out.
    assert result.predictions.groupby("domain")["fold"].nunique().eq(1).all()
    assert result.effects.iloc[0]["feature"] == "country"
    xx = result.coefficients.set_index("feature").loc["categories__country_XX", "coefficient"]
    nl = result.coefficients.set_index("feature").loc["categories__country_NL", "coefficient"]
    assert xx > nl


def test_model_declines_when_data_are_too_few():
    result = fit_non_removal_model(_status(domains=4))
    assert not result.fitted and "domains" in result.reason


def test_domain_clusters_are_seeded_and_separate_responses():
    status = _status(seed=5, domains=30)
    rates, _ = node_rates(status, "domain")
    profile = domain_profiles(rates, median_days_to_removal(status))
    first, second = cluster_domains(profile, seed=2), cluster_domains(profile, seed=2)
    assert first.membership.equals(second.membership)
    assert first.silhouettes["chosen"].sum() == 1
    chosen_k = int(first.silhouettes.loc[first.silhouettes["chosen"], "k"].iloc[0])
    assert first.membership["cluster"].nunique() == chosen_k
    # Cluster 0 is the most compliant by construction of the numbering.
    assert first.profiles["eb_rate"].is_monotonic_increasing
    assert profile.loc[0, "median_days_to_removal"] == pytest.approx(
        ((status[status["domain"] == "site00.com"]["resolved_at"] - status["requested_at"].iloc[0]).dt.days).median()
    )


def test_constant_features_are_dropped_and_named():
    status = _status().assign(channel="legal_notice", hosting_provider="one host")  # two constant features
    result = fit_non_removal_model(status, bootstrap_replicates=50)
    assert result.fitted and set(result.dropped) == {"channel", "hosting_provider"}
    metrics = result.metrics.set_index("metric")
    assert metrics.loc["features_dropped", "value"] == 2 and "channel" in metrics.loc["features_dropped", "note"]
    assert not result.coefficients["feature"].str.contains("channel|hosting_provider").any()
    assert result.predictive  # country still predicts: coefficients are published


def test_a_model_no_better_than_chance_withholds_its_coefficients():
    rng = np.random.default_rng(3)
    status = _status()
    status["non_removed"] = rng.random(len(status)) < 0.4  # outcome independent of every feature
    status["outcome"] = np.where(status["non_removed"], "online", "removed")
    result = fit_non_removal_model(status, bootstrap_replicates=100)
    auc = result.metrics.set_index("metric").loc["auc_out_of_fold"]
    assert auc["low"] <= 0.5  # the interval reaches chance
    assert not result.predictive and result.coefficients.empty and result.effects.empty
    assert "do not predict non-removal" in result.verdict
    assert result.metrics.set_index("metric").loc["verdict", "note"] == result.verdict


def test_every_feature_constant_is_not_fitted():
    # Eight sites of 20 URLs each, one provider, country and channel, every file on one site.
    rows = [
        {"url_id": f"u{d}-{u:02d}", "content_id": f"f{d}-{u}", "domain": f"s{d}.com", "hosting_provider": "h", "country": "NL", "channel": "legal_notice", "decided": True, "non_removed": u % 2 == 0}
        for d in range(8)
        for u in range(20)
    ]
    result = fit_non_removal_model(pd.DataFrame(rows), bootstrap_replicates=20)
    assert not result.fitted and "every feature is constant" in result.reason


def test_tables_of_an_earlier_model_are_removed_when_this_run_does_not_write_them(tmp_path):
    """A model that stopped predicting leaves no coefficients from an earlier run behind."""
    from research.lineage import sidecar_path
    from research.pipeline.s40_networks import remove_unwritten

    for stem in ("model_coefficients", "model_effects", "model_folds", "nodes"):
        (tmp_path / f"{stem}.csv").write_text("x\n1\n")
        sidecar_path(tmp_path / f"{stem}.csv").write_text("{}\n")
    removed = remove_unwritten(tmp_path, {"model_folds", "nodes"})
    assert sorted(p.name for p in removed) == ["model_coefficients.csv", "model_effects.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model_folds.csv", "model_folds.csv.lineage.json", "nodes.csv", "nodes.csv.lineage.json"]
