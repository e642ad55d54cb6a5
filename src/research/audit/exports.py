"""Export audit: look through everything the toolkit wrote for data below domain level.

Every file under ``reports/`` and ``data/processed/`` is scanned (see
:mod:`research.audit.documents` for how each format is read). What counts as a finding, and where:

================================  ===========  ===========  ===========  =========================
where                             URL path     e-mail       phone        count < threshold
================================  ===========  ===========  ===========  =========================
``data/processed/takedowns/``     always       always       always       allowed (internal,
(URL-level logs, pseudonymised)                                          keyed by pseudonym)
takedown-derived exports (below)  always       always       always       finding (CSV, Parquet)
everything else                   unless an    always       always       not checked (public
                                  allowed                                statistics are shown as
                                  source URL                             published)
================================  ===========  ===========  ===========  =========================

*Takedown-derived exports* are identified by path, one rule: a file under
``data/processed/network/``, or a file under ``reports/`` with a path component that names the
takedown or network work (``takedowns``, ``takedown``, ``networks``, ``network``). The takedowns,
networks and report stages write there; a new stage that summarises a takedown log must too.

Files whose path names a published aggregate source (``google``: the Google Transparency Report)
are public statistics, not takedown-derived, even beside the takedown tables.

*Allowed source URLs* are the citations of published statistics: every URL-like string in the
top-level CSV files of ``data/raw/`` (``figures.csv``, ``definition_breaks.csv``: source URLs, and
publisher names such as ``BreakingNews.ie/PA``) and in ``data/raw/datapackage.json``. Nothing
under ``data/raw/external/`` or ``data/raw/private/`` is ever allowed (the Lumen sample lists
reported URLs), and takedown-derived files get no allowance at all. The XML namespace URIs that
SVG, GEXF and GraphML files must declare are allowed everywhere (:data:`NAMESPACE_PREFIXES`).

One file may hold URLs under ``data/processed/takedowns/``: the generated raw-like synthetic log
(``synthetic_log.*``), and only if the generator's marker beside it verifies
(:func:`is_synthetic_raw_log`); it is still scanned for e-mail addresses and phone numbers.

*Count columns* are found by name (:func:`is_count_column`): the disclosure helper suppresses the
columns its callers name, and this audit checks that what reached the disk agrees. A count column
holding a number in ``[0, threshold)`` is a finding; ``"<10"`` is what it should hold instead.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from research.audit import patterns
from research.audit.documents import ScanText, Skipped, scans_for
from research.clean.synthetic_marker import verify_marker
from research.config import SUPPRESSION_THRESHOLD, ProjectPaths
from research.parallel import fork_map

FINDING_COLUMNS = ["file", "line", "row", "column", "kind", "excerpt"]
INTERNAL_TAKEDOWN_DIRS = ("data/processed/takedowns/",)
TAKEDOWN_EXPORT_DIRS = ("data/processed/network/",)
TAKEDOWN_PATH_WORDS = frozenset({"takedowns", "takedown", "networks", "network"})
#: Published aggregate statistics about removals (Google Transparency Report): public figures,
#: shown as published, even when they sit beside the takedown tables.
PUBLIC_AGGREGATE_WORDS = frozenset({"google"})
#: A generated raw-like synthetic log may hold its (made-up) URLs; see :func:`is_synthetic_raw_log`.
SYNTHETIC_RAW_LOG_NAME = "synthetic_log"
NAMESPACE_PREFIXES = (
    "http://www.w3.org/",
    "https://www.w3.org/",
    "http://purl.org/dc/",
    "http://creativecommons.org/ns",
    "http://www.gexf.net/",
    "https://www.gexf.net/",
    "http://gexf.net/",
    "http://graphml.graphdrawing.org/",
    "https://graphml.graphdrawing.org/",
    "http://ns.adobe.com/",
)
_COUNT_WORDS = frozenset(
    {"n", "count", "counts", "requests", "urls", "files", "items", "contents", "removed", "online",
     "pending", "unknown", "partly", "fully", "total", "size", "members", "weight", "shared",
     "events", "censored", "numerator", "denominator", "cases", "reports", "notices", "reemerged",
     "reuploads", "mirrors", "domains", "providers", "non_removed", "nonremoved", "frequency", "freq"}
)
_NOT_COUNT_WORDS = frozenset(
    {"rate", "share", "pct", "percent", "proportion", "ci", "low", "high", "lower", "upper", "median",
     "mean", "days", "hours", "rank", "id", "year", "p", "auc", "gini", "prob", "probability",
     "shrunk", "shrunken", "se", "z", "score", "ratio", "unstable", "flag", "label", "name", "log", "avg",
     "expected", "predicted", "fitted", "std", "sd", "var", "per"}
)


@dataclass
class ExportAudit:
    """The result of one audit: findings, and what was scanned or skipped (with reasons)."""

    findings: pd.DataFrame
    scanned: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.findings.empty


def is_count_column(name: str) -> bool:
    """Whether a column, by its name, holds counts of cases, URLs or files.

    ``n_requests``, ``removed``, ``still_online``, ``weight`` are counts; ``removal_rate``,
    ``removed_share``, ``median_days``, ``community_id`` are not (a non-count word wins).
    """
    lowered = str(name).lower().replace("-", "_").replace(" ", "_")
    words = set(lowered.split("_"))
    if words & _NOT_COUNT_WORDS:
        return False
    return bool(words & _COUNT_WORDS) or lowered in _COUNT_WORDS


def is_internal_takedown_file(relative: str) -> bool:
    """URL-level processed logs keyed by pseudonym: small counts allowed, URLs never."""
    return relative.startswith(INTERNAL_TAKEDOWN_DIRS)


def _path_words(parts: list[str]) -> set[str]:
    words = set()
    for part in parts:
        stem = part.split(".", 1)[0].lower()
        words.add(stem)
        words.update(stem.replace("-", "_").split("_"))
    return words


def is_takedown_export(relative: str) -> bool:
    """The path rule that marks a file as an export derived from a takedown log."""
    if relative.startswith(TAKEDOWN_EXPORT_DIRS):
        return True
    parts = relative.split("/")
    if parts[0] != "reports":
        return False
    words = _path_words(parts[1:])
    return bool(words & TAKEDOWN_PATH_WORDS) and not words & PUBLIC_AGGREGATE_WORDS


def is_synthetic_raw_log(path: Path, relative: str) -> bool:
    """A generated raw-like log (``synthetic_log.*`` under ``data/processed/takedowns/``) whose
    generator marker verifies (:func:`research.clean.synthetic_marker.verify_marker`): its URLs
    are made up by the generator and may stay. A ``synthetic`` column proves nothing."""
    if not is_internal_takedown_file(relative) or not path.name.startswith(SYNTHETIC_RAW_LOG_NAME):
        return False
    return verify_marker(path)[0] is not None


def allowed_source_urls(paths: ProjectPaths) -> frozenset[str]:
    """Normalised URL-like strings of the public source registry (see the module docstring)."""
    texts: list[str] = []
    for csv_path in sorted(paths.raw.glob("*.csv")):
        # Cell by cell: a URL in a CSV line would otherwise run on into the next cell.
        with open(csv_path, encoding="utf-8", newline="") as handle:
            texts.extend(cell for row in csv.reader(handle) for cell in row)
    if paths.datapackage.exists():
        stack = [json.loads(paths.datapackage.read_text(encoding="utf-8"))]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str):
                texts.append(item)
    return frozenset(patterns.normalise_url(m.text) for text in texts for m in patterns.find_urls_with_path(text))


def _is_allowed_url(url: str, allowed: frozenset[str]) -> bool:
    if url.lower().startswith(NAMESPACE_PREFIXES):
        return True
    return patterns.normalise_url(url) in allowed


def _text_findings(name: str, scan: ScanText, allowed: frozenset[str] | None, urls: bool = True) -> list[dict]:
    found = [m for m in patterns.find_urls_with_path(scan.text) if not _is_allowed_url(m.text, allowed or frozenset())] if urls else []
    found += patterns.find_emails(scan.text)
    found += patterns.find_phones(scan.prose)
    found += patterns.find_control_characters(scan.text) if scan.controls else []
    rows = []
    for match in found:
        where = scan.locate(match.start)
        rows.append(
            {"file": name, "line": where.line, "row": where.row, "column": where.column,
             "kind": match.kind, "excerpt": patterns.mask(match.kind, match.text)}
        )
    return rows


def small_count_findings(table: pd.DataFrame, name: str, threshold: int = SUPPRESSION_THRESHOLD) -> list[dict]:
    """Cells of count columns holding a number below ``threshold`` (0 included)."""
    rows = []
    for column in table.columns:
        if not is_count_column(column):
            continue
        numbers = pd.to_numeric(table[column], errors="coerce")
        # A count is a whole number: a fractional value is a mean or a score, whatever its name.
        small = numbers.notna() & (numbers >= 0) & (numbers < threshold) & (numbers == numbers.round())
        for index in small.to_numpy().nonzero()[0]:
            rows.append(
                {"file": name, "line": int(index) + 2 if name.endswith(".csv") else None, "row": int(index) + 1,
                 "column": str(column), "kind": "small_count",
                 "excerpt": f"{numbers.iloc[index]:g} < {threshold}"}
            )
    return rows


def _read_table(path: Path) -> pd.DataFrame | None:
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() in {".csv", ".tsv"}:
            return pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", dtype="string", keep_default_na=False)
    except (ValueError, OSError, pd.errors.ParserError):
        return None
    return None


def exported_files(paths: ProjectPaths) -> list[Path]:
    """Every file under ``reports/`` and ``data/processed/``, sorted."""
    files: list[Path] = []
    for folder in (paths.processed, paths.reports):
        if folder.exists():
            files.extend(p for p in folder.rglob("*") if p.is_file() and p.name != ".gitkeep")
    return sorted(files, key=lambda p: p.as_posix())


@dataclass(frozen=True)
class _FileAudit:
    """One file's share of the audit: its findings, and whether it was scanned or why it was skipped."""

    relative: str
    rows: list[dict]
    scanned: bool
    skipped: str | None = None


def _audit_file(job: tuple[ProjectPaths, Path, frozenset[str], int]) -> _FileAudit:
    """Scan one exported file (the body of :func:`audit_exports`, run for each file)."""
    paths, path, allowed, threshold = job
    relative = path.relative_to(paths.root).as_posix()
    strict = is_internal_takedown_file(relative) or is_takedown_export(relative)
    check_urls = not is_synthetic_raw_log(path, relative)
    rows: list[dict] = []
    try:
        for name, scan in scans_for(relative, path.read_bytes()):
            rows.extend(_text_findings(name, scan, None if strict else allowed, urls=check_urls))
    except Skipped as reason:  # fail closed: a file the audit cannot read is not a clean file
        rows.append({"file": relative, "line": None, "row": None, "column": None, "kind": "unscannable", "excerpt": str(reason)})
        return _FileAudit(relative, rows, scanned=False, skipped=str(reason))
    except (ValueError, OSError) as error:  # a corrupt Parquet/PNG/ZIP: unreadable is not "clean"
        rows.append({"file": relative, "line": None, "row": None, "column": None, "kind": "unreadable", "excerpt": type(error).__name__})
        return _FileAudit(relative, rows, scanned=False)
    if is_takedown_export(relative) and not is_internal_takedown_file(relative):
        table = _read_table(path)
        if table is not None:
            rows.extend(small_count_findings(table, relative, threshold))
    return _FileAudit(relative, rows, scanned=True)


def audit_exports(paths: ProjectPaths, threshold: int = SUPPRESSION_THRESHOLD, workers: int = 1) -> ExportAudit:
    """Scan every exported file and return the findings (an empty table means the audit passed).

    Parameters
    ----------
    paths
        The project tree to audit.
    threshold
        Counts below it are findings in takedown-derived exports.
    workers
        Processes scanning files at once (:func:`research.parallel.fork_map`); the result is the
        same for any number.
    """
    allowed = allowed_source_urls(paths)
    # Largest files first, so that no process is left scanning a big log alone at the end.
    files = sorted(exported_files(paths), key=lambda p: -p.stat().st_size) if workers > 1 else exported_files(paths)
    done = {result.relative: result for result in fork_map(_audit_file, [(paths, path, allowed, threshold) for path in files], workers)}
    audit = ExportAudit(pd.DataFrame(columns=FINDING_COLUMNS))
    rows: list[dict] = []
    for relative in sorted(done):
        result = done[relative]
        rows.extend(result.rows)
        if result.scanned:
            audit.scanned.append(relative)
        elif result.skipped is not None:
            audit.skipped[relative] = result.skipped
    findings = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    findings = findings.astype({"line": "Int64", "row": "Int64"})
    audit.findings = findings.sort_values(["file", "line", "row", "column", "kind"], na_position="first", kind="stable").reset_index(drop=True)
    return audit


def format_findings(findings: pd.DataFrame) -> str:
    """The findings as a plain-text table (empty string when there are none)."""
    if findings.empty:
        return ""
    return findings.astype(object).where(findings.notna(), "").to_string(index=False)

