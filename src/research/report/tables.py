"""Tables for papers: CSV and LaTeX under ``reports/tables/``, after disclosure control.

Each table is chosen from an analysis output (``trends.csv``, a funnel, a concentration table),
passed through :func:`research.report.disclosure.disclose` and written twice: CSV for reuse and a
``booktabs`` LaTeX tabular (pandas ``Styler.to_latex``) for papers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.outputs import write_csv
from research.report.disclosure import DisclosedTable, disclose
from research.report.figures import count_and_rate_columns
from research.report.findings import pick
from research.report.markdown import MarkdownText, escape_markdown

#: Columns of ``trends.csv`` a paper table shows, by accepted spelling, in this order.
TREND_COLUMNS = (
    ("series_id",), ("country",), ("indicator",), ("segment",), ("model", "family"),
    ("n_points", "n_obs", "n"), ("growth_factor", "annual_growth_factor"),
    ("growth_factor_low", "growth_low"), ("growth_factor_high", "growth_high"),
    ("doubling_time_years", "doubling_years"), ("status",),
)


@dataclass(frozen=True)
class PaperTable:
    """A table for papers: its file stem, title key in the catalogue, and the disclosed frame."""

    name: str
    title_key: str
    table: DisclosedTable


def trends_table(trends: pd.DataFrame) -> PaperTable:
    """Growth per series (public statistics: shown as published)."""
    columns = [c for c in (pick(trends, names) for names in TREND_COLUMNS) if c]
    frame = trends[columns].sort_values([c for c in ("series_id", "segment") if c in columns], kind="stable").reset_index(drop=True)
    return PaperTable("trends_growth", "table_trends_title", disclose(frame, origin="public", name="trends_growth"))


def takedown_table(frame: pd.DataFrame, name: str, title_key: str, synthetic: bool) -> PaperTable:
    """A table derived from a takedown log: small counts suppressed, unstable rates flagged."""
    counts, rates = count_and_rate_columns(frame)
    clean = frame.drop(columns=[c for c in ("synthetic",) if c in frame.columns])
    return PaperTable(name, title_key, disclose(clean, origin="takedown_log", synthetic=synthetic, count_columns=counts, rates=rates, name=name))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.3f}"
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def as_markdown(frame: pd.DataFrame) -> MarkdownText:
    """A pipe table (no extra dependency), floats with three decimals, every cell and name escaped."""
    header = "| " + " | ".join(escape_markdown(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(escape_markdown(_cell(v)) for v in row) + " |" for row in frame.itertuples(index=False)]
    return MarkdownText("\n".join([header, rule, *body]))


def as_html(frame: pd.DataFrame) -> str:
    """A plain HTML table, every cell escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>\n" for row in frame.itertuples(index=False))
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"


def as_latex(frame: pd.DataFrame, caption: str) -> str:
    """A booktabs tabular with a caption, floats with three decimals, text escaped for LaTeX."""
    shown = frame.map(_cell)
    styler = shown.style.hide(axis="index").format(escape="latex").format_index(escape="latex", axis=1)
    return styler.to_latex(caption=caption.replace("%", r"\%"), hrules=True, position="htbp", position_float="centering")


def write_paper_table(table: PaperTable, out_dir: Path, caption: str) -> list[Path]:
    """Write ``<name>.csv`` and ``<name>.tex``."""
    csv_path = write_csv(table.table.frame, out_dir / f"{table.name}.csv")
    tex_path = out_dir / f"{table.name}.tex"
    tex_path.write_text(as_latex(table.table.frame, caption), encoding="utf-8")
    return [csv_path, tex_path]
