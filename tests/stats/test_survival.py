"""Survival estimators: Kaplan–Meier curve shape, current-status NPMLE by hand, parametric recovery."""

from __future__ import annotations

import numpy as np
import pytest

from research.stats.survival import current_status_npmle, kaplan_meier, parametric_fit, parametric_fits


def test_km_without_events_is_flat_at_one_and_stops_at_the_last_check():
    curve = kaplan_meier([21.0, 21.0, 22.0], [0, 0, 0]).tidy()
    assert curve["survival"].tolist() == [1.0, 1.0]
    assert curve["days"].tolist() == [0.0, 22.0]
    assert curve["at_risk"].tolist() == [3, 1] and curve["censored"].sum() == 3
    assert all(np.isnan(v) for v in kaplan_meier([21.0], [0]).median())


def test_km_curve_counts_every_subject_once():
    curve = kaplan_meier([1, 2, 2, 3, 5, 4], [1, 1, 0, 1, 1, 0]).tidy()
    assert curve["removed"].sum() + curve["censored"].sum() == 6
    assert curve["days"].iloc[-1] == 5 and curve["survival"].iloc[-1] == 0.0


def test_current_status_npmle_by_hand():
    # Checks on days 1..4, gone at 2 and 4 only: the isotonic fit pools days 2 and 3 to 1/2.
    fit = current_status_npmle([1, 2, 3, 4], [0, 1, 0, 1])
    assert fit.survival.tolist() == pytest.approx([1.0, 0.5, 0.5, 0.0])
    assert fit.median() == 2.0
    assert fit.tidy()["days"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_lognormal_fit_recovers_the_median_from_current_status_data():
    rng = np.random.default_rng(3)
    truth = rng.lognormal(np.log(2.0), 1.0, 3000)  # median 2 days
    check = rng.uniform(0.1, 10, 3000)
    gone = truth <= check
    fit = parametric_fit(np.where(gone, 0.0, check), np.where(gone, check, np.inf), "lognormal")
    median, low, high = fit.median_interval()
    assert low < 2.0 < high and median == pytest.approx(2.0, rel=0.15)
    table = parametric_fits(np.where(gone, 0.0, check), np.where(gone, check, np.inf))
    assert table["model"].tolist() == ["lognormal", "weibull", "loglogistic"]
    assert table["aic"].idxmin() != 1  # the Weibull does not fit lognormal data best
    assert (table["restricted_mean_days"] <= table["horizon_days"]).all()


def test_too_few_events_no_parametric_fit():
    assert parametric_fit([0, 5, 5], [2, np.inf, np.inf]) is None


@pytest.mark.parametrize("model", ["lognormal", "weibull", "loglogistic"])
def test_closed_form_likelihood_equals_scipy(model):
    from research.stats.survival import PARAMETRIC_MODELS, _CensoredLikelihood

    lower = np.array([0.5, 2.0, 0.0, 3.0, 1.5])
    upper = np.array([0.5, np.inf, 4.0, 7.0, 1.5])
    params = np.array([np.log(2.5), np.log(1.3)])
    likelihood = _CensoredLikelihood(lower, upper, PARAMETRIC_MODELS[model])
    d = likelihood.frozen(params)
    expected = [d.logpdf(0.5), d.logsf(2.0), np.log(d.cdf(4.0)), np.log(d.cdf(7.0) - d.cdf(3.0)), d.logpdf(1.5)]
    assert likelihood.loglikeobs(params) == pytest.approx(expected, rel=1e-10)
