"""cProfile of the default engine's cleaning step (``clean_log_file``) on a generated log.

Usage: ``python benchmarks/profile_clean.py benchmarks/data/log_1000000.csv`` — prints the top
entries by cumulative and by internal time. Not a test; run it after ``benchmarks/run.py``
has generated the log.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

from research.clean.takedown_files import clean_log_file


def main(log: Path, top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    clean_log_file(log, synthetic=True)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
