"""A model of non-removal: which domain, provider, country and channel features predict it.

One row per decided URL (removed or still online). Features never use the outcome itself:
hosting provider, country and channel (one-hot; rare levels pooled), the size of the URL's site in
the log and on how many sites the same file was found (log scale). URLs of one site share much
(same operator, same policy), so cross-validation is **grouped by domain**: a site is either
entirely in training or entirely in test, and the score measures how well the model generalises
to sites it has never seen. Probabilities are calibrated (Platt scaling, itself cross-validated
by domain inside each training fold). The AUC's interval comes from a cluster bootstrap over
domains of the out-of-fold predictions; feature effects are permutation importances on the test
folds and the coefficients of a model fitted on all rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from research.config import SEED
from research.errors import ResearchError

CATEGORICAL_FEATURES: tuple[str, ...] = ("hosting_provider", "country", "channel")
NUMERIC_FEATURES: tuple[str, ...] = ("log_domain_urls", "log_mirror_sites")
FEATURES = CATEGORICAL_FEATURES + NUMERIC_FEATURES
#: Fewest domains (and URLs of each outcome) for which grouped cross-validation means anything.
MIN_DOMAINS = 6
MIN_PER_CLASS = 10


@dataclass(frozen=True)
class ModelResult:
    """Everything the model reports; ``fitted`` is False (with ``reason``) when data are too few."""

    fitted: bool
    reason: str
    metrics: pd.DataFrame
    folds: pd.DataFrame
    effects: pd.DataFrame
    coefficients: pd.DataFrame
    calibration: pd.DataFrame
    predictions: pd.DataFrame


def model_frame(status: pd.DataFrame) -> pd.DataFrame:
    """Features and target (``non_removed``) for every decided URL, with its ``domain`` as group."""
    domain_urls = status.groupby("domain")["url_id"].transform("size")
    mirror_sites = status.groupby("content_id")["domain"].transform("nunique")
    frame = status.assign(log_domain_urls=np.log1p(domain_urls), log_mirror_sites=np.log1p(mirror_sites))
    frame = frame.loc[frame["decided"], ["url_id", "domain", *FEATURES, "non_removed"]]
    return frame.sort_values("url_id", kind="mergesort").reset_index(drop=True)


def _classifier() -> Pipeline:
    encode = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=False), list(CATEGORICAL_FEATURES)),
            ("numbers", StandardScaler(), list(NUMERIC_FEATURES)),
        ]
    )
    return Pipeline([("encode", encode), ("model", LogisticRegression(C=1.0, max_iter=2000))])


def grouped_folds(groups: pd.Series, target: pd.Series, n_splits: int = 5, seed: int = SEED) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds in which every domain lies wholly in one test fold (no leakage)."""
    n_splits = int(min(n_splits, groups.nunique()))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(target)), target.to_numpy(), groups.to_numpy()))


def _calibrated(train: pd.DataFrame, seed: int) -> CalibratedClassifierCV:
    inner = grouped_folds(train["domain"], train["non_removed"], n_splits=3, seed=seed)
    model = CalibratedClassifierCV(_classifier(), method="sigmoid", cv=inner)
    return model.fit(train[list(FEATURES)], train["non_removed"].to_numpy())


def bootstrap_auc(y: np.ndarray, score: np.ndarray, groups: np.ndarray, replicates: int = 200, seed: int = SEED) -> tuple[float, float]:
    """95 % percentile interval of the AUC, resampling whole domains (a cluster bootstrap).

    Each replicate draws domains with replacement; a domain drawn ``m`` times weighs its URLs by ``m``.
    """
    codes, uniques = pd.factorize(groups)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(uniques), np.full(len(uniques), 1 / len(uniques)), size=replicates)
    aucs = []
    for weights in draws:
        row_weights = weights[codes]
        kept = row_weights > 0
        if len(np.unique(y[kept])) == 2:
            aucs.append(roc_auc_score(y[kept], score[kept], sample_weight=row_weights[kept]))
    low, high = np.percentile(aucs, [2.5, 97.5])
    return float(low), float(high)


def _empty(reason: str, frame: pd.DataFrame) -> ModelResult:
    metrics = pd.DataFrame([{"metric": "not_fitted", "value": float("nan"), "low": float("nan"), "high": float("nan"), "note": reason}])
    nothing = pd.DataFrame()
    return ModelResult(False, reason, metrics, nothing, nothing, nothing, nothing, frame.assign(predicted=np.nan).iloc[:0])


def fit_non_removal_model(status: pd.DataFrame, n_splits: int = 5, seed: int = SEED, bootstrap_replicates: int = 200) -> ModelResult:
    """Cross-validate (grouped by domain) a calibrated logistic model of non-removal.

    Parameters
    ----------
    status
        One row per URL (:func:`research.networks.status.latest_url_status`).
    n_splits
        Outer folds (capped at the number of domains).
    seed
        Seed of the fold assignment, the bootstrap and the permutations.
    bootstrap_replicates
        Cluster-bootstrap replicates for the AUC interval.
    """
    frame = model_frame(status)
    counts = frame["non_removed"].value_counts()
    if frame["domain"].nunique() < MIN_DOMAINS or counts.get(True, 0) < MIN_PER_CLASS or counts.get(False, 0) < MIN_PER_CLASS:
        return _empty(f"needs {MIN_DOMAINS}+ domains and {MIN_PER_CLASS}+ removed and still-online URLs", frame)
    y = frame["non_removed"].to_numpy()
    predicted = np.full(len(frame), np.nan)
    fold_of = np.full(len(frame), -1)
    fold_rows, importances = [], []
    for number, (train_index, test_index) in enumerate(grouped_folds(frame["domain"], frame["non_removed"], n_splits, seed)):
        train, test = frame.iloc[train_index], frame.iloc[test_index]
        if set(train["domain"]) & set(test["domain"]):
            raise ResearchError("grouped cross-validation put one domain in both train and test")
        model = _calibrated(train, seed)
        predicted[test_index] = model.predict_proba(test[list(FEATURES)])[:, 1]
        fold_of[test_index] = number
        single_class = test["non_removed"].nunique() < 2
        fold_rows.append(
            {
                "fold": number,
                "train_urls": len(train),
                "test_urls": len(test),
                "test_domains": test["domain"].nunique(),
                "auc": float("nan") if single_class else roc_auc_score(test["non_removed"], predicted[test_index]),
            }
        )
        if not single_class:
            result = permutation_importance(model, test[list(FEATURES)], test["non_removed"].to_numpy(), scoring="roc_auc", n_repeats=5, random_state=seed)
            importances.append(pd.DataFrame({"feature": list(FEATURES), "fold": number, "importance": result.importances_mean}))
    folds = pd.DataFrame(fold_rows)
    low, high = bootstrap_auc(y, predicted, frame["domain"].to_numpy(), bootstrap_replicates, seed)
    auc = roc_auc_score(y, predicted)
    metrics = pd.DataFrame(
        [
            {"metric": "auc_out_of_fold", "value": auc, "low": low, "high": high, "note": "95% cluster bootstrap over domains"},
            {"metric": "auc_fold_mean", "value": folds["auc"].mean(), "low": folds["auc"].min(), "high": folds["auc"].max(), "note": "low/high = worst/best fold"},
            {"metric": "brier_score", "value": brier_score_loss(y, predicted), "low": np.nan, "high": np.nan, "note": "out of fold"},
            {"metric": "log_loss", "value": log_loss(y, predicted), "low": np.nan, "high": np.nan, "note": "out of fold"},
            {"metric": "base_rate", "value": float(y.mean()), "low": np.nan, "high": np.nan, "note": "share of decided URLs still online"},
            {"metric": "urls", "value": float(len(frame)), "low": np.nan, "high": np.nan, "note": "decided URLs"},
            {"metric": "domains", "value": float(frame["domain"].nunique()), "low": np.nan, "high": np.nan, "note": "groups of the cross-validation"},
            {"metric": "folds", "value": float(len(folds)), "low": np.nan, "high": np.nan, "note": "StratifiedGroupKFold by domain"},
        ]
    )
    effects = (
        pd.concat(importances).groupby("feature", sort=False)["importance"].agg(["mean", "std", "count"]).reset_index()
        if importances
        else pd.DataFrame(columns=["feature", "mean", "std", "count"])
    )
    effects = effects.rename(columns={"mean": "auc_drop_mean", "std": "auc_drop_sd", "count": "folds"})
    effects = effects.sort_values(["auc_drop_mean", "feature"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    bins = pd.qcut(predicted, q=min(10, len(np.unique(predicted))), duplicates="drop")
    calibration = (
        pd.DataFrame({"bin": bins, "predicted": predicted, "observed": y})
        .groupby("bin", observed=True)
        .agg(urls=("observed", "size"), mean_predicted=("predicted", "mean"), observed_rate=("observed", "mean"))
        .reset_index(drop=True)
    )
    full = _classifier().fit(frame[list(FEATURES)], y)
    names = full.named_steps["encode"].get_feature_names_out()
    coefficients = pd.DataFrame({"feature": names, "coefficient": full.named_steps["model"].coef_[0]})
    coefficients["odds_ratio_per_unit"] = np.exp(coefficients["coefficient"])
    coefficients = coefficients.sort_values("feature", kind="mergesort").reset_index(drop=True)
    predictions = frame[["url_id", "domain", "non_removed"]].assign(fold=fold_of, predicted=predicted)
    return ModelResult(True, "", metrics, folds, effects, coefficients, calibration, predictions)
