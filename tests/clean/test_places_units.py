"""Country codes and the controlled unit vocabulary."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.places import normalise_country
from research.clean.units import UNITS, parse_unit
from research.errors import ParseError


@pytest.mark.parametrize(("raw", "code"), [("UK", "GB"), ("EU", "EU"), ("GLOBAL", "WORLD"), ("kr", "KR"),
                                           ("JPN", "JP"), ("Germany", "DE"), ("EUROPE", "150"), ("ONION", "ZZ")])
def test_countries(raw, code):
    assert normalise_country(raw) == code


def test_unknown_country_raises():
    with pytest.raises(ParseError):
        normalise_country("ATLANTIS")


@pytest.mark.parametrize(
    ("raw", "unit", "counted", "qualifier"),
    [("reports", "count", "reports", "exact"), ("cases (approx.)", "count", "cases", "approximate"),
     ("percent (more than)", "percent", "percent", "lower_bound"), ("complaints per month", "mean_per_month", "complaints", "exact"),
     ("reports per day (nearly)", "rate_per_day", "reports", "upper_bound"), ("hours (within)", "duration_hours", "hours", "upper_bound"),
     ("cases (apparent typo for 1,355)", "count", "cases", "suspected_misprint"), ("cases (mislabelled; = victims)", "count", "victims", "exact"),
     ("USD (exceeding)", "currency_usd", "usd", "lower_bound"), ("incidents (fewer)", "count_change", "incidents", "exact")],
)
def test_units(raw, unit, counted, qualifier):
    info = parse_unit(raw)
    assert (info.unit, info.counted, info.qualifier) == (unit, counted, qualifier)


def test_unknown_unit_raises():
    with pytest.raises(ParseError, match="unknown unit"):
        parse_unit("bananas")


def test_every_raw_unit_in_figures_maps(repo_paths):
    figures = pd.read_csv(repo_paths.figures_csv, dtype=str, keep_default_na=False)
    for raw in figures["unit"].unique():
        assert parse_unit(raw).unit in UNITS, raw
