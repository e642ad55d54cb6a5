"""Per-figure download bundles: the figure, the CSV behind it, a metadata JSON and a README.

Each bundle is written as a folder ``reports/bundles/<key>/`` and as ``reports/bundles/<key>.zip``.
The zip is byte-identical across runs: entries sorted, a fixed timestamp and fixed permissions.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from research.i18n import message
from research.outputs import write_csv
from research.report.citation import Citation
from research.report.disclosure import count_suppressed
from research.report.figures import FigureEntry

#: The earliest time a zip entry can carry; fixed so that zips do not change between runs.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def bundle_metadata(entry: FigureEntry, cite: Citation) -> dict:
    """The metadata JSON of one bundle: sources, provenance and the disclosure applied."""
    return {
        "figure": entry.key,
        "title": entry.title,
        "area": entry.area,
        "synthetic": entry.synthetic,
        "origin": entry.table.origin,
        "disclosure": list(entry.table.notes),
        "suppressed_cells": count_suppressed(entry.table.frame),  # every "<10" / "[c]" cell of data.csv
        "sources": [s.as_dict() for s in entry.sources],
        "made_by": {"notebook": f"notebooks/{entry.notebook}.py", "module": entry.module},
        "columns": list(map(str, entry.table.frame.columns)),
        "rows": int(len(entry.table.frame)),
        "report_version": {"package": cite.version, "commit": cite.commit, "data_sha256": cite.data_sha256},
    }


def bundle_readme(entry: FigureEntry, cite: Citation, lang: str = "en") -> str:
    """A short README telling what the bundle holds and how to cite it."""
    lines = [f"# {entry.title}", "", message("report", "bundle_readme_body", lang), ""]
    if entry.synthetic:
        lines += [message("report", "synthetic_banner", lang), ""]
    lines.append(message("report", "sources_label", lang))
    lines += [f"- {s.as_text()}" for s in entry.sources] or ["-"]
    lines += ["", message("report", "cite_text", lang, version=cite.version, commit=cite.commit, data_hash=cite.short_hash, data_file=cite.data_file)]
    return "\n".join(lines) + "\n"


def _write_zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=ZIP_TIMESTAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return target


def write_bundle(entry: FigureEntry, out_dir: Path, cite: Citation, lang: str = "en") -> list[Path]:
    """Write the folder and zip of one figure's bundle; return every file written."""
    folder = out_dir / entry.key
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_csv(entry.table.frame, folder / "data.csv")]
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(bundle_metadata(entry, cite), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = folder / "README.md"
    readme.write_text(bundle_readme(entry, cite, lang), encoding="utf-8")
    image = folder / f"figure{entry.image.suffix}"
    image.write_bytes(entry.image.read_bytes())
    written += [meta, readme, image]
    written.append(_write_zip(folder, out_dir / f"{entry.key}.zip"))
    return written
