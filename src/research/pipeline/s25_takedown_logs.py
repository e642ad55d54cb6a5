"""Stage 25: the takedown logs, cleaned — the synthetic example log and the Lumen notice sample.

* builds the seeded synthetic log (a derived, raw-like file, ``synthetic_log.csv.gz``) from the
  NPO's published funnel and cleans it like any log;
* cleans the Lumen notice sample (public: hashed with the published demo key);
* writes each cleaned log to ``data/processed/takedowns/<source>/`` (``takedowns.parquet`` +
  ``.csv``, ``quarantine.csv``, ``quality.csv``).

The analysis of these logs is the ``takedowns`` stage and their network the ``networks`` stage:
both read only what this stage writes, so they run at the same time (``research reproduce``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from research import catalogue
from research.clean.takedown_files import clean_log_file, write_cleaned
from research.config import SEED, ProjectPaths
from research.lineage import sha256_file, write_sidecar
from research.pipeline import Stage
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log, write_synth_log

LUMEN = "lumen-notices-sample.json"


def lumen_sample(paths: ProjectPaths) -> Path:
    """The public Lumen notice sample under ``data/raw/external/``."""
    return paths.raw / "external" / LUMEN


def cleaned_log(paths: ProjectPaths, source: str) -> Path:
    """The cleaned log of ``source`` (``"synthetic"`` or ``"lumen"``) this stage writes."""
    return catalogue.path("takedowns", paths, source=source)


#: The logs this stage cleans, in the order it writes them: the generated example log, the Lumen sample.
SOURCES = ("synthetic", "lumen")


def _inputs(paths: ProjectPaths) -> list[Path]:
    return [paths.figures_csv, lumen_sample(paths)]


def _run(paths: ProjectPaths, parameters: Mapping[str, object]) -> list[Path]:
    seed, params, root = int(parameters["seed"]), dict(parameters), paths.root
    processed = paths.processed / "takedowns"
    funnel = seed_funnel(paths.figures_csv)
    files = parameters.get("files")
    counts = funnel.counts if files is None else scaled_counts(funnel, int(files))
    log_path = write_synth_log(synth_log(counts, seed=seed), catalogue.path("synthetic_log", paths))
    # The generator's own record: everything cleaned and built from this log inherits it.
    evidence = f"research.takedowns.synth sha256:{sha256_file(log_path)}"
    written = [log_path, write_sidecar(log_path, [paths.figures_csv], params, root, synthetic=True, synthetic_evidence=evidence)]
    cleaned = {
        "synthetic": (clean_log_file(log_path, "generic"), [log_path, paths.figures_csv]),
        "lumen": (clean_log_file(lumen_sample(paths), "lumen", public_sample=True), [lumen_sample(paths)]),
    }
    for name in SOURCES:
        result, inputs = cleaned[name]
        written += write_cleaned(result, processed / name, inputs=inputs, parameters=params, root=root)
    return written


STAGE = Stage(
    name="takedown_logs",
    description="synthetic example log and Lumen sample, cleaned: tables, quarantine, quality",
    inputs=_inputs,
    run=_run,
    # files=None: the NPO's 99,266 files (tests pass a smaller number).
    parameters={"seed": SEED, "files": None},
)
