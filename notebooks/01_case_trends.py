# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python (research)
#     language: python
#     name: research
# ---

# %% [markdown]
# # Case trends: how fast are reported digital sex crimes growing?
#
# This notebook fits the count models of `research.trends` to the cleaned public statistics
# (`data/processed/counts.csv`, built by `make reproduce`). Every number comes from a published
# source; the models compare periods **per day of exposure**, so a seven-month year-to-date figure
# is not set against a full year, and a series is never fitted across a definition break.
#
# Read the results as trends in what was *reported to* police, regulators or hotlines — not as
# prevalence. A change in a count may reflect awareness, new reporting channels or police effort.

# %% tags=["parameters"]
counts_path = "../data/processed/counts.csv"
breaks_path = "../data/raw/definition_breaks.csv"  # registry of breaks and interventions
series = []  # series ids to analyse; empty = every series
seed = 20241202
small = False  # True: only the first few series (for tests and quick looks)
lang = "en"

# %%
import numpy as np
import pandas as pd

from research.clean.breaks import read_breaks
from research.plots.trends import trend_figure
from research.trends.analysis import analyse_counts, trends_table

# %matplotlib inline
np.random.seed(seed)
counts = pd.read_csv(counts_path)
chosen = counts[counts["series_id"].isin(series)] if series else counts
if small:
    chosen = chosen[chosen["series_id"].isin(sorted(chosen["series_id"].unique())[:4])]
results = analyse_counts(chosen, file=counts_path, lang=lang, interventions=read_breaks(breaks_path))
table = trends_table(results)
table["status"].value_counts()

# %% [markdown]
# ## Growth per series
#
# One row per series and segment: the model used (Poisson, or negative binomial when the counts
# are overdispersed), the annual growth factor with its 95% interval, the doubling time and the
# number of periods. Series that could not be modelled say why in `reason`.

# %%
table[["series_id", "segment", "status", "model", "n_points", "growth_factor", "growth_factor_low", "growth_factor_high", "doubling_time_years", "reason"]]

# %% [markdown]
# ## In plain language
#
# The sentences below are generated from the fitted numbers; they are hedged when the interval
# includes "no change" and name what was counted.

# %%
print("\n\n".join(table.loc[table["status"] == "fitted", "summary"].head(8)))

# %% [markdown]
# ## The series with the most periods
#
# Observed counts (hollow points are partial periods), the fitted trend with its 95% band and, in
# red, the forecast with its prediction interval. Dotted lines mark definition breaks.

# %%
fitted = table[table["status"] == "fitted"].sort_values(["n_points", "series_id"], ascending=[False, True])
longest = fitted["series_id"].iloc[0] if len(fitted) else None
figure = trend_figure([r for r in results if r.series_id == longest], lang=lang) if longest else None
figure

# %% [markdown]
# ## Limits
#
# * Three or four points make a weak trend: the intervals above are wide for a reason.
# * Counts of reports from platforms (e.g. NCMEC CyberTipline) change when platforms change their
#   detection or bundling; the break registry marks the known changes, not all of them.
