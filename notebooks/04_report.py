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
# # The report: key findings, tables for papers, and how to cite
#
# `make reproduce` writes the advocate report (`reports/report.html`, `reports/report.md`, and
# the Indonesian `report.id.*`) from the outputs of the other stages. This notebook computes the
# same findings and tables from the same functions, so a reader can see where every sentence of
# the report comes from. Numbers from the synthetic takedown log are marked *synthetic*.

# %% tags=["parameters"]
root = ".."  # project root whose data/processed and reports/ are read
lang = "en"  # "en" or "id"
seed = 20241202
small = False  # unused: the report reads only built tables, so it is always quick

# %%
from IPython.display import Markdown

from research.config import paths
from research.report.build import gather_findings, paper_tables, read_inputs
from research.report.citation import citation

project = paths(root)
inputs = read_inputs(project)
findings = gather_findings(inputs, lang)
Markdown("\n".join(f"- {'**synthetic** ' if f.synthetic else ''}{f.text}" for f in findings) or "(no findings yet: run `make reproduce`)")

# %% [markdown]
# ## Tables for papers
#
# Each table has passed disclosure control; `reports/tables/` holds the CSV and LaTeX versions.

# %%
tables = paper_tables(inputs)
[(t.name, t.table.frame.shape, t.table.origin, t.table.synthetic) for t in tables]

# %%
tables[0].table.frame.head(10) if tables else None

# %% [markdown]
# ## How to cite
#
# The citation pins the package version, the git commit and the sha256 of the raw data manifest,
# so that anyone can check they are looking at the same numbers. Please also cite the original
# producers listed in the report.

# %%
cite = citation(project)
print(f"version {cite.version}, commit {cite.commit}, data sha256 {cite.data_sha256} ({cite.data_file})")
