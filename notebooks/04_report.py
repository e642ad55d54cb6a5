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
# # The report: main points, tables for papers, and how to cite
#
# `make reproduce` writes the bulletin (`reports/report.html` and `report.{id,ja,ko}.html`, each
# also as `.md`), the method illustration `reports/demo.html` and the appendix from the outputs of
# the other stages. This notebook computes the same main points and tables from the same functions,
# so a reader can see where every sentence comes from. Main points hold published data only, chosen
# by importance to the question, source tier and recency; the synthetic log's findings belong to
# the demonstration page and are listed last here, marked *synthetic*.

# %% tags=["parameters"]
root = ".."  # project root whose data/processed and reports/ are read
lang = "en"  # "en", "id", "ja" or "ko"
seed = 20241202
small = False  # unused: the report reads only built tables, so it is always quick

# %%
from IPython.display import Markdown

from research.config import paths
from research.report.build import main_points, paper_tables, read_inputs, synthetic_findings
from research.report.citation import citation

project = paths(root)
inputs = read_inputs(project)
points = main_points(inputs, lang)
Markdown("\n".join(f"{i}. {p.text} *({p.counted_by}, tier {p.tier}; {p.period})*" for i, p in enumerate(points, 1)) or "(no main points yet: run `make reproduce`)")

# %% [markdown]
# The synthetic log's findings (for the demonstration page only):

# %%
Markdown("\n".join(f"- **synthetic** {f.text}" for f in synthetic_findings(inputs, lang)) or "(none)")

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
