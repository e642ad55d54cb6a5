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
# # Hosting networks: which sites keep reported content online, and how are they connected?
#
# The same file is re-uploaded to many sites, so non-removal is a network. This notebook builds
# the content–domain graph of a cleaned takedown log, projects it onto domains (two sites are
# linked when they hosted the same file), ranks sites by a *shrunken* non-removal rate — so that a
# site with three requests cannot top the list — finds mirror clusters and measures how
# concentrated the content that stayed online is.
#
# With the default parameters the log is **synthetic — illustrative**; only domains are ever shown.

# %% tags=["parameters"]
figures_csv = "../data/raw/figures.csv"
network_dir = "../data/processed/network/synthetic"  # tables written by the networks stage
figures_dir = "../reports/figures/networks/synthetic"  # its figures
seed = 20241202
small = False  # True: build the network here from a generated 500-file synthetic log
small_files = 500

# %% [markdown]
# `make reproduce` builds the network once (stage `networks`, `research network build`); this
# notebook reads its tables. With `small=True` it builds a small one itself with the same function,
# `research.networks.build.build_network`, which is how to run it on your own cleaned log.

# %%
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import Image

from research.clean.pseudonyms import DEMO_KEY
from research.clean.takedowns import clean_takedown_log
from research.networks.build import build_network
from research.plots.networks import lorenz_figure
from research.plots.style import Credit
from research.report.disclosure import disclose
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log

if small:
    raw = synth_log(scaled_counts(seed_funnel(figures_csv), small_files), seed=seed)
    network = build_network(clean_takedown_log(raw, key=DEMO_KEY, synthetic=True, source="synthetic log").table, seed=seed, bootstrap_replicates=20)
    rankings, concentration, synthetic = network.rankings, network.concentration, network.synthetic
    lorenz_png = lorenz_figure(network.lorenz, network.concentration, Path(tempfile.mkdtemp()) / "lorenz", Credit(["synthetic takedown log (research toolkit)"], synthetic))[0]
else:
    rankings = pd.read_csv(Path(network_dir) / "rankings.csv", dtype={"synthetic": "string"})
    concentration = pd.read_csv(Path(network_dir) / "concentration.csv", dtype={"synthetic": "string"})
    synthetic = "synthetic" in rankings.columns
    rankings, concentration = rankings.drop(columns="synthetic", errors="ignore"), concentration.drop(columns="synthetic", errors="ignore")
    lorenz_png = Path(figures_dir) / "lorenz.png"
print(f"{(rankings['level'] == 'domain').sum():,} domains ranked; synthetic: {synthetic}")

# %% [markdown]
# ## Rankings: rates with their denominators and intervals
#
# `non_removal_rate` is the raw share of decided URLs still online, with a Wilson interval;
# `eb_rate` is the empirical-Bayes (shrunken) rate used for ranking.

# %%
top_domains = rankings[rankings["level"] == "domain"].head(15).reset_index(drop=True)
disclose(top_domains, origin="takedown_log", synthetic=synthetic, count_columns=[c for c in ("urls", "decided", "non_removed") if c in top_domains.columns], rates={r: ("non_removed", "decided") for r in ("non_removal_rate", "eb_rate") if r in top_domains.columns}).frame

# %% [markdown]
# ## Concentration
#
# The share of still-online content held by the top 1, 5 and 10 domains, providers and
# countries, and the Gini coefficient of its distribution.

# %%
disclose(concentration, origin="takedown_log", synthetic=synthetic, count_columns=["non_removed_total"], rates={"share": (None, "non_removed_total")}).frame

# %%
Image(filename=str(lorenz_png))

# %% [markdown]
# ## Limits
#
# * Co-hosting links show shared content, not ownership; mirrored sites may be unrelated.
# * Country and provider layers depend on what the log records; missing values are kept as
#   "(not recorded)", not guessed.
# * Export the full graph for Gephi with `research network build` (GEXF, GraphML).
