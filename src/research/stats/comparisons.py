"""Is the share of successes different between groups? Exact and asymptotic tests with effect sizes.

Two groups: Fisher's exact test of the 2×2 table (``scipy.stats.fisher_exact``), the conditional
maximum-likelihood odds ratio with its exact interval (``scipy.stats.contingency.odds_ratio``) and
the difference of shares with Newcombe's hybrid score interval (``statsmodels``
``confint_proportions_2indep``, method ``"newcomb"``; Newcombe 1998, Statist. Med. 17), which
stays inside [−1, 1] at shares of 0 or 1 where a Wald interval collapses.

More groups: Pearson's chi-square test of the k×2 table (``scipy.stats.chi2_contingency``) with
Cramér's V; ``min_expected`` records the smallest expected count (below 5 the asymptotic
p-value is unreliable — Cochran 1954 — and the row says so in ``note``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import association, odds_ratio
from statsmodels.stats.proportion import confint_proportions_2indep

TIDY_COLUMNS = [
    "grouping",
    "test",
    "groups",
    "group_a",
    "group_b",
    "successes_a",
    "trials_a",
    "successes_b",
    "trials_b",
    "statistic",
    "df",
    "p_value",
    "difference",
    "difference_low",
    "difference_high",
    "difference_method",
    "odds_ratio",
    "odds_ratio_low",
    "odds_ratio_high",
    "odds_ratio_method",
    "cramers_v",
    "min_expected",
    "note",
]


@dataclass(frozen=True)
class ShareComparison:
    """A test that the share of successes is the same in every group, with effect sizes."""

    grouping: str
    groups: tuple[str, ...]
    successes: np.ndarray
    trials: np.ndarray
    test: str
    result: object  # scipy's result object (SignificanceResult or Chi2ContingencyResult)
    effects: dict = field(default_factory=dict)
    alpha: float = 0.05

    @property
    def p_value(self) -> float:
        return float(self.result.pvalue)

    def tidy(self) -> pd.DataFrame:
        """One row in :data:`TIDY_COLUMNS` (effects of two groups are group A minus / over group B)."""
        two = len(self.groups) == 2
        row = {
            "grouping": self.grouping,
            "test": self.test,
            "groups": len(self.groups),
            "group_a": self.groups[0] if two else pd.NA,
            "group_b": self.groups[1] if two else pd.NA,
            "successes_a": int(self.successes[0]) if two else pd.NA,
            "trials_a": int(self.trials[0]) if two else pd.NA,
            "successes_b": int(self.successes[1]) if two else pd.NA,
            "trials_b": int(self.trials[1]) if two else pd.NA,
            "statistic": float(self.result.statistic),
            "df": int(getattr(self.result, "dof", 1)) if not two else pd.NA,
            "p_value": self.p_value,
            "note": self.effects.get("note", ""),
        }
        row.update({c: self.effects.get(c, np.nan) for c in TIDY_COLUMNS if c not in row})
        for text in ("difference_method", "odds_ratio_method"):
            row[text] = self.effects.get(text, "")
        return pd.DataFrame([row], columns=TIDY_COLUMNS)


def compare_shares(groups, successes, trials, grouping: str = "group", alpha: float = 0.05) -> ShareComparison | None:
    """Test equality of ``successes / trials`` across groups (``None`` if fewer than two groups have trials).

    Parameters
    ----------
    groups
        Group names (one per count), e.g. channels.
    successes, trials
        Counts per group.
    grouping
        Name of what the groups are (written in the ``grouping`` column).
    alpha
        One minus the confidence level of the effect intervals.
    """
    names = np.asarray(groups, dtype=object)
    k = np.asarray(successes, dtype=np.int64)
    n = np.asarray(trials, dtype=np.int64)
    keep = n > 0
    names, k, n = names[keep], k[keep], n[keep]
    if len(names) < 2:
        return None
    order = np.argsort(names.astype(str), kind="stable")
    names, k, n = names[order], k[order], n[order]
    table = np.column_stack([k, n - k])
    if len(names) == 2:
        return _two_groups(grouping, names, k, n, table, alpha)
    result = stats.chi2_contingency(table, correction=False)
    min_expected = float(np.min(result.expected_freq))
    constant = (table.sum(axis=0) == 0).any()  # every group all successes or all failures
    effects = {
        "cramers_v": np.nan if constant else float(association(table, method="cramer")),
        "min_expected": min_expected,
        "note": "expected count below 5: the chi-square p-value is approximate" if min_expected < 5 else "",
    }
    return ShareComparison(grouping, tuple(str(x) for x in names), k, n, "chi_square", result, effects, alpha)


def _two_groups(grouping: str, names, k, n, table, alpha: float) -> ShareComparison:
    result = stats.fisher_exact(table)
    ratio = odds_ratio(table, kind="conditional")
    ratio_ci = ratio.confidence_interval(confidence_level=1 - alpha)
    low, high = confint_proportions_2indep(int(k[0]), int(n[0]), int(k[1]), int(n[1]), method="newcomb", compare="diff", alpha=alpha)
    effects = {
        "difference": float(k[0] / n[0] - k[1] / n[1]),
        "difference_low": float(low),
        "difference_high": float(high),
        "difference_method": "newcombe_hybrid_score",
        "odds_ratio": float(ratio.statistic),
        "odds_ratio_low": float(ratio_ci.low),
        "odds_ratio_high": float(ratio_ci.high),
        "odds_ratio_method": "conditional_mle_exact",
    }
    return ShareComparison(grouping, tuple(str(x) for x in names), k, n, "fisher_exact", result, effects, alpha)
