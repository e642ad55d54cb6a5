"""How a result of the default engine combines from parts of its input: the engines' contract.

A kernel that the Dask engine runs partition by partition (the cleaning's quality counts, the
funnel, the URL status, the per-node counts, the co-hosting edges, the domain list) declares,
beside itself, a :class:`Reducer`: the key its partitions must be disjoint in, its partial result
on one partition, how partial results combine, and how the combined partial becomes the result
the default engine returns on the whole input. The Dask engine (:mod:`research.scale`) only
schedules these declarations; it restates no rule of a kernel. ``tests/scale/test_reducers.py``
checks, for every declared reducer, that reducing any split of a log equals the whole-log result.

``combine`` is associative and takes ``None`` for an empty partition, so results can be combined
in a tree, a few at a time, in any grouping (:func:`research.scale.engine.tree_reduce`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

P = TypeVar("P")

#: Every declared reducer by name (filled by the kernels' modules as they are imported).
REDUCERS: dict[str, Reducer[Any]] = {}


@dataclass(frozen=True)
class Reducer(Generic[P]):
    """How one result combines over partitions of its input.

    Parameters
    ----------
    name
        What the result is (``funnel``, ``quality`` …).
    key
        The column the partitions must be disjoint in: all rows with one value of it are in one
        partition.
    partial
        ``partial(part, **context)``: the partial result of one partition.
    combine
        ``combine([partial, …])``: the partial result of the union of those partitions (``None``
        stands for an empty partition; the result of no partial at all may be ``None``).
    finish
        ``finish(combined, **context)``: the result as the default engine returns it.
    """

    name: str
    key: str
    partial: Callable[..., P]
    combine: Callable[[Sequence[P | None]], P | None]
    finish: Callable[..., Any]

    def whole(self, table: Any, **context: Any) -> Any:
        """The result of the whole input, computed as one partition."""
        return self.finish(self.combine([self.partial(table, **context)]), **context)

    def reduce(self, parts: Iterable[Any], **context: Any) -> Any:
        """The result of the union of ``parts`` (disjoint in :attr:`key`), from their partial results."""
        return self.finish(self.combine([self.partial(part, **context) for part in parts]), **context)


def declare(reducer: Reducer[P]) -> Reducer[P]:
    """Register ``reducer`` under its name (an error if the name is taken) and return it."""
    if reducer.name in REDUCERS:
        raise ValueError(f"a reducer called {reducer.name!r} is declared twice")
    REDUCERS[reducer.name] = reducer
    return reducer


def present(parts: Iterable[P | None]) -> list[P]:
    """The partial results that are not ``None`` (empty partitions)."""
    return [p for p in parts if p is not None]
