"""A model of non-removal: which domain, provider, country and channel features predict it.

One row per decided URL (removed or still online). Features never use the outcome itself:
hosting provider, country and channel (one-hot; rare levels pooled), the size of the URL's site in
the log and on how many sites the same file was found (log scale). URLs of one site share much
(same operator, same policy), so cross-validation is **grouped by domain**: a site is either
entirely in training or entirely in test, and the score measures how well the model generalises
to sites it has never seen. Probabilities are calibrated (Platt scaling fitted on scores
cross-validated by domain inside each training fold). The AUC's interval comes from a cluster bootstrap over
domains of the out-of-fold predictions; feature effects are permutation importances on the test
folds and the coefficients of a model fitted on all rows.

Speed (a log of ~350,000 URLs must fit in seconds, not minutes): categories enter the model as
integer codes (text is matched once per distinct value, not per row), the one-hot matrix is sparse,
the logistic fit uses Newton–Cholesky (the exact penalised optimum in a few iterations), the
bootstrap computes every replicate's AUC at once from per-domain counts at each distinct score,
and permutation importance scores a seeded subsample of each test fold (``PERMUTATION_SAMPLE``
URLs at most). A log with more than ``MODEL_SAMPLE`` decided URLs is modelled on a seeded uniform
sample of that many: a bottom-k sample (E. Cohen and H. Kaplan, "Summarizing data using bottom-k
sketches", PODC 2007), the URLs with the smallest SipHash of their id keyed by the seed. It is
uniform without replacement, and it combines over any partitioning of the log (the bottom k of
the whole are among the bottom k of each part), so both engines fit on the same URLs. Features
are still computed on the whole log (site sizes, mirror sites); every domain keeps its URLs'
chance of being drawn, so the cluster bootstrap stays valid. ``model_metrics`` reports the decided
URLs, the sample size and the permutation subsample.

Honesty: a feature with one value among the decided URLs (every URL from one country, say)
carries no information and is dropped before fitting (``features_dropped`` in ``model_metrics``
names them). When the AUC's 95 % interval includes 0.5 or lies below it, the features do not
predict non-removal better than chance: ``predictive`` is False, the coefficients and effects
are withheld (empty), and ``verdict`` says so in words — a coefficient of a model no better than
a coin would be read as a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
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
from research.networks.rankings import node_counts
from research.reducers import Reducer, declare

CATEGORICAL_FEATURES: tuple[str, ...] = ("hosting_provider", "country", "channel")
NUMERIC_FEATURES: tuple[str, ...] = ("log_domain_urls", "log_mirror_sites")
FEATURES = CATEGORICAL_FEATURES + NUMERIC_FEATURES
#: Fewest domains (and URLs of each outcome) for which grouped cross-validation means anything.
MIN_DOMAINS = 6
MIN_PER_CLASS = 10
#: Test-fold URLs scored per permutation repeat (a seeded subsample when the fold is larger).
PERMUTATION_SAMPLE = 20_000
#: Decided URLs the model is fitted on; larger logs are sampled (seeded, uniform) down to this.
MODEL_SAMPLE = 60_000


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
    predictive: bool = True
    verdict: str = ""
    dropped: tuple[str, ...] = ()


#: Columns of a URL status a model row keeps (besides its features computed from site-level counts).
SAMPLE_COLUMNS: tuple[str, ...] = ("url_id", "content_id", "domain", *CATEGORICAL_FEATURES, "non_removed")


@dataclass(frozen=True)
class ModelSample:
    """The decided URLs a model is fitted on: ``frame`` (sorted by ``url_id``) out of ``decided`` in all.

    ``cap`` is the most kept (``None``: no cap); when there are more decided URLs, ``frame`` holds
    the ``cap`` of them with the smallest seeded hash of ``url_id`` (:func:`sample_ranks`).
    """

    decided: int
    cap: int | None
    frame: pd.DataFrame

    @property
    def sampled(self) -> bool:
        return len(self.frame) < self.decided


def sample_ranks(url_ids: pd.Series, seed: int) -> np.ndarray:
    """A seeded 64-bit hash of each URL id (SipHash keyed by the seed): the URL's place in the sample order.

    The order is a uniform random permutation of the URLs that depends only on each URL's own id,
    so any partition of a log ranks its URLs as the whole log does.
    """
    key = f"{seed % 10**16:016d}"  # SipHash's 16-byte key
    return pd.util.hash_pandas_object(url_ids.astype(str).reset_index(drop=True), index=False, hash_key=key).to_numpy()


def _bottom(frame: pd.DataFrame, cap: int | None) -> pd.DataFrame:
    """The ``cap`` rows of smallest ``_rank`` (ties by ``url_id``), or all when there are no more."""
    if cap is None or len(frame) <= cap:
        return frame
    return frame.sort_values(["_rank", "url_id"], kind="mergesort").head(cap)


def sample_part(status: pd.DataFrame, max_urls: int | None = MODEL_SAMPLE, seed: int = SEED) -> ModelSample:
    """The bottom-``max_urls`` sample of one partition's decided URLs (with their ranks, ``_rank``)."""
    decided = status.loc[status["decided"].astype(bool), list(SAMPLE_COLUMNS)]
    frame = decided.assign(_rank=sample_ranks(decided["url_id"], seed))
    return ModelSample(len(decided), max_urls, _bottom(frame, max_urls).reset_index(drop=True))


def combine_samples(parts: Sequence[ModelSample | None]) -> ModelSample | None:
    """The sample of the union of partitions disjoint in ``url_id``: the bottom ``cap`` of the parts' bottoms."""
    found = [p for p in parts if p is not None]
    if not found:
        return None
    frame = pd.concat([p.frame for p in found], ignore_index=True)
    return ModelSample(sum(p.decided for p in found), found[0].cap, _bottom(frame, found[0].cap).reset_index(drop=True))


def _sample(sample: ModelSample | None, max_urls: int | None = MODEL_SAMPLE, seed: int = SEED) -> ModelSample:
    if sample is None:
        empty = pd.DataFrame({c: pd.Series(dtype=bool if c == "non_removed" else object) for c in SAMPLE_COLUMNS})
        return ModelSample(0, max_urls, empty)
    frame = sample.frame.drop(columns="_rank").sort_values("url_id", kind="mergesort").reset_index(drop=True)
    return ModelSample(sample.decided, sample.cap, frame)


#: The model's sample of decided URLs over partitions of the URL status disjoint in ``url_id``
#: (``max_urls=``, ``seed=`` as context). A bottom-k sample (Cohen & Kaplan 2007): each URL's rank
#: is a seeded hash of its id, so the ``k`` smallest of the whole are among the ``k`` smallest of
#: each partition, and merging partitions' bottom-k gives the whole log's.
MODEL_SAMPLE_URLS = declare(Reducer("model_sample", "url_id", sample_part, combine_samples, _sample))


def mirror_sites(pairs: pd.DataFrame, content_ids: Sequence[str] | pd.Series | None = None) -> pd.Series:
    """On how many distinct sites each file (of ``content_ids``; all by default) was found, indexed by ``content_id``.

    ``pairs`` holds ``content_id, domain`` rows with every URL of their files (a partition
    disjoint in ``content_id`` will do: a file's sites are all in it).
    """
    if content_ids is not None:
        pairs = pairs[pairs["content_id"].isin(pd.Index(content_ids))]
    return pairs.groupby("content_id", sort=True)["domain"].nunique().astype("int64")


def combine_mirror_sites(parts: Sequence[pd.Series | None]) -> pd.Series | None:
    """Mirror sites of content-disjoint partitions: each file is counted in one part, so they sit side by side."""
    found = [p for p in parts if p is not None and len(p)]
    return pd.concat(found).sort_index(kind="mergesort") if found else None


def _mirror_sites(sites: pd.Series | None, content_ids: Sequence[str] | pd.Series | None = None) -> pd.Series:
    return pd.Series(dtype="int64", index=pd.Index([], dtype=object, name="content_id"), name="domain") if sites is None else sites


#: :func:`mirror_sites` over partitions of the ``(content_id, domain)`` pairs disjoint in ``content_id``.
MIRROR_SITES = declare(Reducer("mirror_sites", "content_id", mirror_sites, combine_mirror_sites, _mirror_sites))


def model_rows(sample: ModelSample, domain_urls: pd.Series, sites: pd.Series) -> pd.DataFrame:
    """Features and target of the sampled URLs from the site-level counts.

    ``log_domain_urls`` is the log of the URL's site's number of URLs (``domain_urls``, by domain)
    and ``log_mirror_sites`` that of the sites its file was found on (``sites``, by content id).
    """
    frame = sample.frame
    frame = frame.assign(
        log_domain_urls=np.log1p(frame["domain"].map(domain_urls).to_numpy(dtype=np.int64)),
        log_mirror_sites=np.log1p(frame["content_id"].map(sites).to_numpy(dtype=np.int64)),
    )
    return frame[["url_id", "domain", *FEATURES, "non_removed"]].reset_index(drop=True)


def model_frame(status: pd.DataFrame, max_urls: int | None = None, seed: int = SEED) -> pd.DataFrame:
    """Features and target (``non_removed``) for the decided URLs, with its ``domain`` as group, sorted by ``url_id``.

    Every decided URL by default; with ``max_urls``, the seeded bottom-k sample of
    :data:`MODEL_SAMPLE_URLS` when there are more.
    """
    return model_rows(*model_inputs(status, max_urls, seed))


def model_inputs(status: pd.DataFrame, max_urls: int | None = MODEL_SAMPLE, seed: int = SEED) -> tuple[ModelSample, pd.Series, pd.Series]:
    """The sample and the site-level counts its features need, from a whole URL status."""
    sample = MODEL_SAMPLE_URLS.whole(status, max_urls=max_urls, seed=seed)
    domain_urls = node_counts(status, "domain").set_index("node")["urls"]
    return sample, domain_urls, mirror_sites(status[["content_id", "domain"]], sample.frame["content_id"])


def encode_categories(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Index]]:
    """Replace each categorical feature by integer codes (sorted levels) and return the levels.

    One-hot encoding integers is far faster than encoding text, and the model is unchanged: code
    ``i`` of a column stands for its ``i``-th level in sorted order, restored in the coefficients.
    """
    coded = frame.copy()
    levels: dict[str, pd.Index] = {}
    for column in CATEGORICAL_FEATURES:
        codes, uniques = pd.factorize(frame[column].astype(str), sort=True)
        coded[column] = codes.astype(np.int64)
        levels[column] = pd.Index(uniques)
    return coded, levels


def _feature_names(names: np.ndarray, levels: dict[str, pd.Index]) -> list[str]:
    """``categories__country_3`` → ``categories__country_XX`` (codes back to the levels they stand for)."""
    named = []
    for name in names:
        prefix, _, rest = str(name).partition("__")
        column = next((c for c in CATEGORICAL_FEATURES if rest.startswith(c + "_")), None)
        code = rest[len(column) + 1 :].removesuffix(".0") if column else ""
        named.append(f"{prefix}__{column}_{levels[column][int(code)]}" if column and code.isdigit() else str(name))
    return named


def feature_matrix(frame: pd.DataFrame, features: tuple[str, ...] = FEATURES) -> np.ndarray:
    """The features of an encoded frame as one float matrix (columns in ``features`` order).

    scikit-learn validates and copies a DataFrame on every call; a plain array keeps the many
    predictions of the permutation importance cheap.
    """
    return frame[list(features)].to_numpy(dtype=float)


def constant_features(frame: pd.DataFrame) -> tuple[str, ...]:
    """Features with a single value (missing counted as a value) among the rows: they carry no information."""
    return tuple(f for f in FEATURES if frame[f].astype(str).nunique(dropna=False) <= 1)


def _classifier(features: tuple[str, ...] = FEATURES) -> Pipeline:
    categorical = [i for i, f in enumerate(features) if f in CATEGORICAL_FEATURES]
    numeric = [i for i, f in enumerate(features) if f in NUMERIC_FEATURES]
    encode = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=True), categorical),
            ("numbers", StandardScaler(), numeric),
        ],
        sparse_threshold=1.0,
    )
    # Newton–Cholesky reaches the penalised optimum exactly in a few steps on this small design.
    return Pipeline([("encode", encode), ("model", LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=200))])


def grouped_folds(groups: pd.Series, target: pd.Series, n_splits: int = 5, seed: int = SEED) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds in which every domain lies wholly in one test fold (no leakage)."""
    n_splits = int(min(n_splits, groups.nunique()))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(target)), target.to_numpy(), groups.to_numpy()))


def _calibrated(train: pd.DataFrame, seed: int, features: tuple[str, ...] = FEATURES) -> CalibratedClassifierCV:
    inner = grouped_folds(train["domain"], train["non_removed"], n_splits=3, seed=seed)
    # ensemble=False: one classifier refitted on the whole training fold, with a Platt sigmoid fitted
    # on its cross-validated (grouped) scores — one pipeline to evaluate per prediction, not three.
    model = CalibratedClassifierCV(_classifier(features), method="sigmoid", cv=inner, ensemble=False)
    return model.fit(feature_matrix(train, features), train["non_removed"].to_numpy())


def bootstrap_auc(y: np.ndarray, score: np.ndarray, groups: np.ndarray, replicates: int = 200, seed: int = SEED) -> tuple[float, float]:
    """95 % percentile interval of the AUC, resampling whole domains (a cluster bootstrap).

    Each replicate draws domains with replacement; a domain drawn ``m`` times weighs its URLs by ``m``.
    All replicates are computed together: the AUC (ties counted half, as in ``roc_auc_score``)
    only needs, at each distinct score, the weighted numbers of positive and negative URLs, and
    those are a sparse (scores × domains) count matrix times the (domains × replicates) draws.
    """
    codes, uniques = pd.factorize(groups)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(uniques), np.full(len(uniques), 1 / len(uniques)), size=replicates)
    aucs = weighted_aucs(np.asarray(y, dtype=bool), np.asarray(score, dtype=float), codes, draws.T.astype(float))
    aucs = aucs[np.isfinite(aucs)]
    low, high = np.percentile(aucs, [2.5, 97.5])
    return float(low), float(high)


def weighted_aucs(y: np.ndarray, score: np.ndarray, groups: np.ndarray, weights: np.ndarray, batch: int = 50) -> np.ndarray:
    """AUC of ``score`` for ``y`` under each column of group weights (``NaN`` if a class is absent).

    Parameters
    ----------
    y, score
        Labels and scores, one per row.
    groups
        Integer group code of each row (0 … G−1).
    weights
        ``G × R`` weights: column ``r`` weighs every row of group ``g`` by ``weights[g, r]``.
    batch
        Replicates computed at once (bounds memory at ``distinct scores × batch`` floats).
    """
    levels, level_of_row = np.unique(score, return_inverse=True)
    shape = (len(levels), weights.shape[0])
    positives = sparse.csr_array((y.astype(float), (level_of_row, groups)), shape=shape)
    negatives = sparse.csr_array(((~y).astype(float), (level_of_row, groups)), shape=shape)
    out = np.empty(weights.shape[1])
    for start in range(0, weights.shape[1], batch):
        w = weights[:, start : start + batch]
        pos, neg = positives @ w, negatives @ w
        below = np.cumsum(neg, axis=0) - neg  # negatives scored strictly lower
        total_pos, total_neg = pos.sum(axis=0), neg.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            auc = (pos * (below + 0.5 * neg)).sum(axis=0) / (total_pos * total_neg)
        out[start : start + batch] = np.where((total_pos > 0) & (total_neg > 0), auc, np.nan)
    return out


def _empty(reason: str, frame: pd.DataFrame) -> ModelResult:
    metrics = pd.DataFrame([{"metric": "not_fitted", "value": float("nan"), "low": float("nan"), "high": float("nan"), "note": reason}])
    nothing = pd.DataFrame()
    return ModelResult(False, reason, metrics, nothing, nothing, nothing, nothing, frame.assign(predicted=np.nan).iloc[:0])


def fit_non_removal_model(
    status: pd.DataFrame, n_splits: int = 5, seed: int = SEED, bootstrap_replicates: int = 200, max_urls: int | None = MODEL_SAMPLE
) -> ModelResult:
    """Cross-validate (grouped by domain) a calibrated logistic model of non-removal.

    Parameters
    ----------
    status
        One row per URL (:func:`research.networks.status.latest_url_status`).
    n_splits
        Outer folds (capped at the number of domains).
    seed
        Seed of the sample, the fold assignment, the bootstrap and the permutations.
    bootstrap_replicates
        Cluster-bootstrap replicates for the AUC interval.
    max_urls
        Fit on a seeded sample of this many decided URLs when there are more (``None``: all): the
        bottom-k sample of :data:`MODEL_SAMPLE_URLS` (the URLs with the smallest seeded hash of
        their id; Cohen & Kaplan 2007, "Summarizing data using bottom-k sketches", PODC), uniform
        without replacement and the same whichever engine or partitioning computes it.
    """
    sample, domain_urls, sites = model_inputs(status, max_urls, seed)
    return fit_sampled_model(sample, model_rows(sample, domain_urls, sites), n_splits, seed, bootstrap_replicates)


def fit_sampled_model(sample: ModelSample, frame: pd.DataFrame, n_splits: int = 5, seed: int = SEED, bootstrap_replicates: int = 200) -> ModelResult:
    """:func:`fit_non_removal_model` on the rows of ``sample`` (``frame``: :func:`model_rows` of it).

    Both engines call this: the Dask engine computes the sample and the counts its features need
    from partitions, so no more than ``sample.cap`` URLs are ever held.
    """
    decided_urls, max_urls = sample.decided, sample.cap
    counts = frame["non_removed"].value_counts()
    if frame["domain"].nunique() < MIN_DOMAINS or counts.get(True, 0) < MIN_PER_CLASS or counts.get(False, 0) < MIN_PER_CLASS:
        return _empty(f"needs {MIN_DOMAINS}+ domains and {MIN_PER_CLASS}+ removed and still-online URLs", frame)
    dropped = constant_features(frame)
    features = tuple(f for f in FEATURES if f not in dropped)
    if not features:
        return _empty(f"every feature is constant among the decided URLs ({', '.join(dropped)})", frame)
    frame, levels = encode_categories(frame)
    domain_codes = pd.factorize(frame["domain"])[0]
    permutation_rows = []
    y = frame["non_removed"].to_numpy()
    predicted = np.full(len(frame), np.nan)
    fold_of = np.full(len(frame), -1)
    fold_rows, importances = [], []
    for number, (train_index, test_index) in enumerate(grouped_folds(frame["domain"], frame["non_removed"], n_splits, seed)):
        train, test = frame.iloc[train_index], frame.iloc[test_index]
        if np.intersect1d(domain_codes[train_index], domain_codes[test_index]).size:
            raise ResearchError("grouped cross-validation put one domain in both train and test")
        model = _calibrated(train, seed, features)
        predicted[test_index] = model.predict_proba(feature_matrix(test, features))[:, 1]
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
            scored = min(len(test), PERMUTATION_SAMPLE)
            permutation_rows.append(scored)
            result = permutation_importance(
                model, feature_matrix(test, features), test["non_removed"].to_numpy(), scoring="roc_auc", n_repeats=5, random_state=seed, max_samples=scored
            )
            importances.append(pd.DataFrame({"feature": list(features), "fold": number, "importance": result.importances_mean}))
    folds = pd.DataFrame(fold_rows)
    low, high = bootstrap_auc(y, predicted, frame["domain"].to_numpy(), bootstrap_replicates, seed)
    auc = roc_auc_score(y, predicted)
    predictive = bool(low > 0.5)
    verdict = (
        ""
        if predictive
        else f"the features do not predict non-removal: the out-of-fold AUC's 95% interval ({low:.2f}–{high:.2f}) "
        + ("lies below 0.5" if high < 0.5 else "includes 0.5")
        + "; coefficients and effects withheld"
    )
    metrics = pd.DataFrame(
        [
            {"metric": "verdict", "value": float(predictive), "low": np.nan, "high": np.nan, "note": verdict or "the AUC's 95% interval lies above 0.5"},
            {"metric": "features_dropped", "value": float(len(dropped)), "low": np.nan, "high": np.nan, "note": "constant: " + ", ".join(dropped) if dropped else "none constant"},
            {"metric": "auc_out_of_fold", "value": auc, "low": low, "high": high, "note": "95% cluster bootstrap over domains"},
            {"metric": "auc_fold_mean", "value": folds["auc"].mean(), "low": folds["auc"].min(), "high": folds["auc"].max(), "note": "low/high = worst/best fold"},
            {"metric": "brier_score", "value": brier_score_loss(y, predicted), "low": np.nan, "high": np.nan, "note": "out of fold"},
            {"metric": "log_loss", "value": log_loss(y, predicted), "low": np.nan, "high": np.nan, "note": "out of fold"},
            {"metric": "base_rate", "value": float(y.mean()), "low": np.nan, "high": np.nan, "note": "share of decided URLs still online"},
            {"metric": "urls", "value": float(decided_urls), "low": np.nan, "high": np.nan, "note": "decided URLs"},
            {
                "metric": "model_sample_urls",
                "value": float(len(frame)),
                "low": np.nan,
                "high": np.nan,
                "note": "decided URLs the model was fitted and scored on" + (f" (seeded bottom-k sample by hash of url_id, cap {max_urls})" if len(frame) < decided_urls else " (all)"),
            },
            {"metric": "domains", "value": float(frame["domain"].nunique()), "low": np.nan, "high": np.nan, "note": "groups of the cross-validation"},
            {"metric": "folds", "value": float(len(folds)), "low": np.nan, "high": np.nan, "note": "StratifiedGroupKFold by domain"},
            {
                "metric": "permutation_sample_urls",
                "value": float(sum(permutation_rows)),
                "low": float(min(permutation_rows, default=0)),
                "high": float(max(permutation_rows, default=0)),
                "note": f"test URLs scored per permutation repeat, summed over folds (seeded subsample of at most {PERMUTATION_SAMPLE} per fold; low/high = smallest/largest fold)",
            },
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
    predictions = frame[["url_id", "domain", "non_removed"]].assign(fold=fold_of, predicted=predicted)
    if not predictive:  # no better than chance: nothing about features is reported
        withheld = pd.DataFrame(columns=["feature", "coefficient", "odds_ratio_per_unit"])
        return ModelResult(True, "", metrics, folds, effects.iloc[:0], withheld, calibration, predictions, False, verdict, dropped)
    full = _classifier(features).fit(feature_matrix(frame, features), y)
    names = _feature_names(full.named_steps["encode"].get_feature_names_out(list(features)), levels)
    coefficients = pd.DataFrame({"feature": names, "coefficient": full.named_steps["model"].coef_[0]})
    coefficients["odds_ratio_per_unit"] = np.exp(coefficients["coefficient"])
    coefficients = coefficients.sort_values("feature", kind="mergesort").reset_index(drop=True)
    return ModelResult(True, "", metrics, folds, effects, coefficients, calibration, predictions, True, verdict, dropped)
