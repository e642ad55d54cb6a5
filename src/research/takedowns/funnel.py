"""The removal funnel: per URL and per file, overall and by domain, provider, country or channel.

A file's status is derived from the latest outcome of each of its URLs, as the NPO counts it:

* *fully removed* — every URL removed;
* *partly removed* — at least one removed and at least one still online (or pending);
* *still online* — at least one online (or pending) and none removed;
* *unknown* — nothing else can be said: every URL unknown, or removed URLs mixed only with
  unknown ones (those might be online, so "fully" would overstate).

Shares come with binomial intervals named in ``interval_method``: Clopper–Pearson for small
groups and at shares of 0 or 1, Wilson otherwise (:mod:`research.stats.proportions`).
Every function returns counts in the same long shape (``group_kind, group, unit, status, n,
total``) so that aggregated sources such as the Google Transparency Report fit the same
:func:`with_intervals` and ranking code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from research.clean.latest import latest_positions
from research.clean.outcomes import OUTCOME_DETAILS
from research.reducers import Reducer, declare, present
from research.stats.proportions import proportion_intervals
from research.takedowns.seeds import FILE_STATUSES

URL_OUTCOMES: tuple[str, ...] = ("removed", "online", "pending", "unknown")
GROUPINGS: tuple[str, ...] = ("domain", "site", "hosting_provider", "country", "channel")
NOT_RECORDED = "(not recorded)"
COUNT_COLUMNS = ["group_kind", "group", "unit", "status", "n", "total"]


def latest_per_url(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (file, URL): the most recent check wins (ties: later request, later row).

    Rows come sorted by ``content_id`` and ``url_id``.
    """
    latest = table.iloc[latest_positions(table)]
    order = latest.sort_values(["content_id", "url_id"], kind="mergesort").index
    return table.loc[order].reset_index(drop=True)


def file_status(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Status of each file (or of each file within each ``by`` group) from its URLs' latest outcomes.

    Parameters
    ----------
    table
        Cleaned takedowns (``content_id, url_id, outcome, checked_at`` …).
    by
        Optional column: status is then computed from the file's URLs in that group only
        (e.g. per domain: was the file removed from *this* site?).

    Returns
    -------
    DataFrame
        ``content_id`` (and ``by``), ``urls``, ``removed``, ``not_removed``, ``unknown``, ``status``.
    """
    return _file_status(_latest(table), by, {})


def _latest(table: pd.DataFrame) -> pd.DataFrame:
    positions = latest_positions(table)
    if len(positions) == len(table):  # every (file, URL) once: no copy of a table that may be large
        return table.reset_index(drop=True)
    return table.iloc[positions].reset_index(drop=True)


Coded = dict[str, tuple[np.ndarray, pd.Index]]


def _coded(latest: pd.DataFrame, column: str, cache: Coded) -> tuple[np.ndarray, pd.Index]:
    """Sorted integer codes of a column of ``latest`` (missing groups read as ``(not recorded)``), cached."""
    if column not in cache:
        # Files are many and their order never matters here; group names are few and come sorted.
        grouping = column not in ("content_id", "outcome")
        values = latest[column].astype("string").fillna(NOT_RECORDED) if grouping else latest[column]
        codes, uniques = pd.factorize(values, sort=grouping, use_na_sentinel=False)
        cache[column] = (codes.astype(np.int64), pd.Index(uniques))
    return cache[column]


def _outcome_flags(latest: pd.DataFrame, cache: Coded) -> dict[str, np.ndarray]:
    codes, outcomes = _coded(latest, "outcome", cache)

    def pick(*names: str) -> np.ndarray:
        return np.isin(np.asarray(outcomes, dtype=object), names)[codes]

    return {"removed": pick("removed"), "not_removed": pick("online", "pending"), "unknown": pick("unknown")}


def _per_file(latest: pd.DataFrame, by: str | None, cache: Coded) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Each file (or file × ``by`` group): its combined code, URL counts and status (index of FILE_STATUSES)."""
    content, _ = _coded(latest, "content_id", cache)
    group = content
    if by:
        codes, values = _coded(latest, by, cache)
        group = content * len(values) + codes
    group_codes, groups = pd.factorize(group)
    flags = {"urls": np.ones(len(latest), dtype=bool), **_outcome_flags(latest, cache)}
    counts = {name: np.bincount(group_codes, weights=f, minlength=len(groups)).astype(np.int64) for name, f in flags.items()}
    removed, online, unknown = (counts[c] > 0 for c in ("removed", "not_removed", "unknown"))
    status = np.select(
        [removed & ~online & ~unknown, removed & online, ~removed & online],
        [FILE_STATUSES.index(s) for s in ("fully_removed", "partly_removed", "still_online")],
        FILE_STATUSES.index("unknown"),
    )
    return np.asarray(groups, dtype=np.int64), counts, status


def _file_status(latest: pd.DataFrame, by: str | None, cache: Coded | None = None) -> pd.DataFrame:
    cache = {} if cache is None else cache
    groups, counts, status = _per_file(latest, by, cache)
    _, files = _coded(latest, "content_id", cache)
    out = {}
    if by:
        _, values = _coded(latest, by, cache)
        out["content_id"] = files.take(groups // len(values))
        out[by] = values.take(groups % len(values))
    else:
        out["content_id"] = files.take(groups)
    frame = pd.DataFrame({k: pd.Series(v, dtype="string") for k, v in out.items()})
    for name, values in counts.items():
        frame[name] = values
    frame["status"] = np.asarray(FILE_STATUSES, dtype=object)[status].astype(str)
    return frame.sort_values(list(out), kind="mergesort").reset_index(drop=True)


def file_funnel_counts(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Files per status, overall (``group_kind = "all"``) or per ``by`` group, in the long count shape."""
    return _file_block(_latest(table), by, {}).long()


def _file_block(latest: pd.DataFrame, by: str | None, cache: Coded) -> CountBlock:
    groups, _, status = _per_file(latest, by, cache)
    if by:
        _, values = _coded(latest, by, cache)
        group_codes, group_values = groups % len(values), values
    else:
        group_codes, group_values = np.zeros(len(groups), dtype=np.int64), pd.Index(["all"])
    return CountBlock.from_codes(group_codes, group_values, status, FILE_STATUSES, by or "all", "file")


def url_funnel_counts(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """URLs (latest outcome per file and URL) per outcome, overall or per ``by`` group."""
    return _url_block(_latest(table), by, {}).long()


def _url_block(latest: pd.DataFrame, by: str | None, cache: Coded) -> CountBlock:
    if by:
        group_codes, group_values = _coded(latest, by, cache)
    else:
        group_codes, group_values = np.zeros(len(latest), dtype=np.int64), pd.Index(["all"])
    codes, outcomes = _coded(latest, "outcome", cache)
    position = np.array([URL_OUTCOMES.index(o) if o in URL_OUTCOMES else -1 for o in outcomes], dtype=np.int64)[codes]
    return CountBlock.from_codes(group_codes, group_values, position, URL_OUTCOMES, by or "all", "url")


def _compact(counts: np.ndarray) -> np.ndarray:
    """``counts`` (non-negative integers) in the smallest unsigned type that holds its largest value.

    A block's type is set by its largest count: one to four bytes a count instead of eight keeps
    the blocks that the Dask path holds and sends small. Sums are made in ``int64``
    (:meth:`CountBlock.summed`).
    """
    return counts.astype(np.min_scalar_type(int(counts.max(initial=0))))


@dataclass(frozen=True)
class CountBlock:
    """One block of funnel counts (one ``group_kind`` and ``unit``) in wide form.

    ``counts[i, j]`` is the number of units of group ``groups[i]`` whose status is
    ``statuses[j]``. Groups are the ones that occur (unique, sorted as text), statuses are every
    category (sorted, zeros kept). This is the funnel's partial result over partitions: blocks
    are summed with integer arithmetic over the group names, never a group-by on text keys
    (:func:`combine_funnel_blocks`), and the long shape is made once, at the end.

    Group names are an Arrow string array, not Python strings: the Dask path holds and sends
    blocks of ~700,000 sites, and Arrow keeps a name in its UTF-8 bytes plus a 4-byte offset
    (about 19 bytes for a synthetic site of 15 characters, against 72 for a Python ``str`` and
    its pointer).
    Arrow sorts strings by their UTF-8 bytes, which is the order of their code points, so the
    order is the one Python's ``sorted`` gives.
    """

    group_kind: str
    unit: str
    statuses: tuple[str, ...]
    groups: pa.StringArray
    counts: np.ndarray  # len(groups) x len(statuses), in the smallest unsigned type that holds them (:func:`_compact`)

    @classmethod
    def from_codes(cls, group_codes: np.ndarray, groups: pd.Index, status: np.ndarray, categories: tuple[str, ...], kind: str, unit: str) -> CountBlock:
        """Count ``status`` (index into ``categories``; negative: not counted) per code into ``groups``."""
        counted = status >= 0  # a status outside the categories is not counted, its group still occurs
        k = len(categories)
        wide = np.bincount(group_codes[counted] * k + status[counted], minlength=len(groups) * k).reshape(len(groups), k)
        occurs = np.bincount(group_codes, minlength=len(groups)) > 0
        names = pa.array(np.asarray(groups, dtype=object)[occurs].astype(str), type=pa.string())
        rows, columns = pc.sort_indices(names).to_numpy(), np.argsort(np.asarray(categories, dtype=object), kind="stable")
        return cls(kind, unit, tuple(categories[j] for j in columns), names.take(rows), _compact(wide[occurs][rows][:, columns]))

    @classmethod
    def summed(cls, blocks: Sequence[CountBlock]) -> CountBlock:
        """The block of the union of disjoint partitions: counts of a group added over ``blocks``."""
        first = blocks[0]
        if any((b.group_kind, b.unit, b.statuses) != (first.group_kind, first.unit, first.statuses) for b in blocks):
            raise ValueError(f"funnel blocks of {first.group_kind}/{first.unit} disagree on their kind, unit or statuses")
        every = pa.concat_arrays([b.groups for b in blocks])
        groups = pc.unique(every)
        groups = groups.take(pc.sort_indices(groups))
        inverse = pc.index_in(every, value_set=groups).to_numpy()
        counts = np.zeros((len(groups), len(first.statuses)), dtype=np.int64)
        np.add.at(counts, inverse, np.concatenate([b.counts for b in blocks]).astype(np.int64))
        return cls(first.group_kind, first.unit, first.statuses, groups, _compact(counts))

    def rows(self, start: int, stop: int) -> CountBlock:
        """The block of groups ``start`` … ``stop`` − 1 only (same kind, unit and statuses)."""
        return CountBlock(self.group_kind, self.unit, self.statuses, self.groups[start:stop], self.counts[start:stop])

    def long(self) -> pd.DataFrame:
        """The block in the long count shape (``COUNT_COLUMNS``), sorted by group and status."""
        k = len(self.statuses)
        return pd.DataFrame(
            {
                "group_kind": self.group_kind,
                "group": np.repeat(self.groups.to_numpy(zero_copy_only=False), k),
                "unit": self.unit,
                "status": np.tile(np.asarray(self.statuses, dtype=object), len(self.groups)),
                "n": self.counts.ravel().astype(np.int64),
                "total": np.repeat(self.counts.sum(axis=1, dtype=np.int64), k),
            },
            columns=COUNT_COLUMNS,
        )


def detail_funnel(table: pd.DataFrame, groupings: tuple[str, ...] = (), interval_method: str = "auto") -> pd.DataFrame:
    """URLs per ``outcome_detail`` (latest check), overall and by each grouping, with intervals.

    The source's own meaning of each outcome (:data:`research.clean.outcomes.OUTCOME_DETAILS`):
    ``refused`` and ``no_response`` answer "refused or never answered"; ``delisted`` (dropped
    from search, still hosted) is a non-removal, counted apart from ``removed`` and
    ``removed_by_host``. Every detail appears in every group (zeros kept); ``outcome`` names the
    outcome each detail counts as. A log cleaned before details were kept (no ``outcome_detail``
    column) reads its outcome as its detail.
    """
    latest = _latest(table)
    if "outcome_detail" not in latest.columns:
        latest = latest.assign(outcome_detail=latest["outcome"])
    details = tuple(OUTCOME_DETAILS)
    codes, found = pd.factorize(latest["outcome_detail"].astype("string"), use_na_sentinel=True)
    position = np.array([details.index(d) if d in details else -1 for d in found] + [-1], dtype=np.int64)[codes]
    cache: Coded = {}
    parts = [CountBlock.from_codes(np.zeros(len(latest), dtype=np.int64), pd.Index(["all"]), position, details, "all", "url").long()]
    for by in groupings:
        if by in latest.columns:
            group_codes, group_values = _coded(latest, by, cache)
            parts.append(CountBlock.from_codes(group_codes, group_values, position, details, by, "url").long())
    counts = pd.concat(parts, ignore_index=True)
    counts.insert(counts.columns.get_loc("status") + 1, "outcome", counts["status"].map(OUTCOME_DETAILS))
    return with_intervals(counts, method=interval_method)


def with_intervals(counts: pd.DataFrame, alpha: float = 0.05, method: str = "auto") -> pd.DataFrame:
    """Add ``share``, its interval (``share_low``, ``share_high``) and ``interval_method`` to long counts.

    ``method`` is ``"auto"`` (Clopper–Pearson for small or extreme counts, Wilson otherwise),
    ``"clopper_pearson"`` or ``"wilson"``; a group with no total has no share.
    """
    out = counts.copy(deep=False)  # copy-on-write (pandas 3): the new columns never reach the caller's frame
    result = proportion_intervals(out["n"].to_numpy(dtype=float), out["total"].to_numpy(dtype=float), method=method, alpha=alpha)
    out["share"] = result.share
    out["share_low"] = result.low
    out["share_high"] = result.high
    out["interval_method"] = pd.Series(result.method, index=out.index, dtype="string")
    return out


def funnel_blocks(groupings: tuple[str, ...]) -> list[tuple[str, str]]:
    """The blocks of :func:`funnel_tables`, in order: files then URLs overall, then for each grouping."""
    return [("all", "file"), ("all", "url")] + [(by, unit) for by in groupings for unit in ("file", "url")]


def funnel_count_blocks(table: pd.DataFrame, groupings: tuple[str, ...] = GROUPINGS) -> list[CountBlock]:
    """The counts of :func:`funnel_tables` as :class:`CountBlock` s, in :func:`funnel_blocks` order."""
    latest = _latest(table)  # once: every funnel below reads the same latest outcomes
    cache: Coded = {}  # and each column is coded once
    block = {"file": _file_block, "url": _url_block}
    found = tuple(by for by in groupings if by in table.columns)
    return _shared_names([block[unit](latest, None if kind == "all" else kind, cache) for kind, unit in funnel_blocks(found)])


def _shared_names(blocks: list[CountBlock]) -> list[CountBlock]:
    """``blocks`` with equal group names held once (a grouping's file and URL blocks have the same groups).

    Only memory changes: a block whose names equal an earlier block's refers to that array, so
    holding (or pickling) a partition's blocks stores each list of sites once.
    """
    kept: list[pa.StringArray] = []
    out = []
    for block in blocks:
        same = next((names for names in kept if len(names) == len(block.groups) and names.equals(block.groups)), None)
        if same is None:
            kept.append(block.groups)
        out.append(block if same is None else dataclasses.replace(block, groups=same))
    return out


def funnel_counts(table: pd.DataFrame, groupings: tuple[str, ...] = GROUPINGS) -> pd.DataFrame:
    """The counts of :func:`funnel_tables` (``COUNT_COLUMNS``), block by block, each block sorted by group and status."""
    return _long_frame(funnel_count_blocks(table, groupings))


def funnel_tables(table: pd.DataFrame, groupings: tuple[str, ...] = GROUPINGS, interval_method: str = "auto") -> pd.DataFrame:
    """Every funnel at once: per file and per URL, overall and by each grouping, with intervals."""
    return with_intervals(funnel_counts(table, groupings), method=interval_method)


#: Columns of a cleaned log that :func:`funnel_tables` reads (the latest check per file and URL, the groupings).
INPUT_COLUMNS: tuple[str, ...] = ("row_number", "content_id", "url_id", "outcome", "checked_at", "requested_at", *GROUPINGS)


def combine_funnel_blocks(parts: Sequence[list[CountBlock] | None]) -> list[CountBlock] | None:
    """:func:`funnel_count_blocks` of the union of partitions that are disjoint in ``content_id``, from theirs.

    A file's status depends only on its own rows, so each count of the whole is the sum of the
    partitions' (a group missing from a partition counts zero there); blocks keep the order in
    which they first come (every partition writes them in :func:`funnel_blocks` order).
    """
    found = present(parts)
    if not found:
        return None
    blocks: dict[tuple[str, str], list[CountBlock]] = {}
    for part in found:
        for block in part:
            blocks.setdefault((block.group_kind, block.unit), []).append(block)
    return _shared_names([CountBlock.summed(same) for same in blocks.values()])


def _long_frame(blocks: Sequence[CountBlock] | None) -> pd.DataFrame:
    if not blocks:  # no rows at all: the empty funnel
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n", "total") else object) for c in COUNT_COLUMNS})
    return pd.concat([block.long() for block in blocks], ignore_index=True)


def _finish_funnel(blocks: list[CountBlock] | None, interval_method: str = "auto") -> pd.DataFrame:
    return with_intervals(_long_frame(blocks), method=interval_method)


def funnel_table_chunks(blocks: Sequence[CountBlock] | None, rows: int = 1_000_000, interval_method: str = "auto") -> Iterator[pd.DataFrame]:
    """:func:`funnel_tables` from summed blocks, as consecutive pieces of at most about ``rows`` rows.

    The pieces, one after another, are the rows of ``FUNNEL.finish(blocks)`` in order (each row's
    share and interval depend on that row alone), so a caller can write the funnel of millions of
    groups without holding it: the long shape of 700,000 sites is 11 million rows. No blocks
    gives the one empty table.
    """
    if not blocks:
        yield _finish_funnel(None, interval_method)
        return
    for block in blocks:
        step = max(1, rows // max(1, len(block.statuses)))
        for start in range(0, max(1, len(block.groups)), step):
            yield with_intervals(block.rows(start, start + step).long(), method=interval_method)


#: The funnel over partitions disjoint in ``content_id``: counts add up, intervals come last.
FUNNEL = declare(Reducer("funnel", "content_id", funnel_count_blocks, combine_funnel_blocks, _finish_funnel))
