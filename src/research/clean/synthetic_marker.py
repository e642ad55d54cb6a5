"""Which key pseudonymises a log: the one decision, made from evidence, never from the log's words.

A takedown log is *synthetic* only when the toolkit's own generator made it. The generators
(``research takedowns synth`` → :mod:`research.takedowns.synth`, and
:mod:`research.scale.synth_parquet`) write a *marker* beside what they write:

* for a file ``log.csv.gz``: ``log.csv.gz.synthetic.json``;
* for a folder of Parquet parts: ``_synthetic.json`` inside the folder.

The marker names the generator, the sha256 of every file it wrote and a signature (HMAC-SHA256,
keyed with the published demo key, of the generator's name and those digests). Cleaning
recomputes the digests: a file edited after generation, a real log put beside a copied marker, a
part added to a folder, or a marker written by hand without the signature, all fail, and the log
is then real. The signature is not a secret (the key is public); what it buys is that no column,
flag, file name or stray JSON file can make a real log synthetic by accident — forging a marker
takes deliberately re-running the generator's code on one's own file.

A column named ``synthetic`` in the log is ordinary user data (an NGO may use it for
AI-generated content) and is ignored like every other column the contract does not name.

:func:`choose_key` is the only place where the key is chosen; the default engine
(:func:`research.clean.takedown_files.clean_log_file`), the Dask engine
(:func:`research.scale.files.clean_with_dask`) and the pipeline (through ``clean_log_file``) all
call it. The demo key is returned for exactly two kinds of input:

* a log whose marker verifies (synthetic: rows marked ``synthetic``, lineage
  ``"synthetic": true`` with the evidence);
* with ``public_sample=True``, a file whose sha256 is one of :data:`PUBLIC_SAMPLES`, the samples
  shipped in ``data/raw/external/`` that their publisher already publishes in full (real, not
  synthetic).

Everything else needs the secret key (:func:`research.clean.pseudonyms.load_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from research.clean.pseudonyms import DEMO_KEY, load_key
from research.errors import PrivacyError
from research.lineage import sha256_file
from research.outputs import write_json

#: Suffix of the marker written beside a generated log file.
MARKER_SUFFIX = ".synthetic.json"
#: Name of the marker inside a generated folder of Parquet parts.
FOLDER_MARKER = "_synthetic.json"
#: The toolkit's generators: the only names a marker may carry.
GENERATORS = frozenset({"research.takedowns.synth", "research.scale.synth_parquet"})
#: Published samples shipped with the toolkit (sha256 → description); the only files
#: ``public_sample=True`` accepts. A test checks these against ``data/raw/SHA256SUMS``.
PUBLIC_SAMPLES = {
    "99f0076009537f0ea9d8a949c73385df0442550f0b0969bff892f1b12e44866e": "Lumen notices sample (data/raw/external/lumen-notices-sample.json)",
}
DEMO_KIND = "demo (published, not secret)"
SECRET_KIND = "secret"


@dataclass(frozen=True)
class KeyChoice:
    """The key for one log and why.

    Attributes
    ----------
    key
        HMAC key for the pseudonyms.
    synthetic
        True only when the generator's marker verified.
    evidence
        ``"<generator>, sha256 <digest>"`` for a synthetic log, else ``None``.
    kind
        ``"demo (published, not secret)"`` or ``"secret"`` (the ``hmac_key`` line of ``quality.csv``).
    """

    key: bytes
    synthetic: bool
    evidence: str | None
    kind: str

    def lineage(self) -> dict[str, object]:
        """Top-level keys of the cleaned outputs' lineage sidecars."""
        return {"synthetic": self.synthetic, "synthetic_evidence": self.evidence}


def marker_path(log: str | os.PathLike[str]) -> Path:
    """Where the marker of ``log`` (a file or a folder of parts) lives."""
    log = Path(log)
    return log / FOLDER_MARKER if log.is_dir() else log.with_name(log.name + MARKER_SUFFIX)


def _generated_files(log: Path) -> list[Path]:
    return sorted(p for p in log.rglob("*.parquet")) if log.is_dir() else [log]


def _name(path: Path, log: Path) -> str:
    return path.relative_to(log).as_posix() if log.is_dir() else path.name


def _signature(generator: str, files: Sequence[tuple[str, str]]) -> str:
    message = "\n".join([generator, *(f"{name} {digest}" for name, digest in files)]).encode("utf-8")
    return hmac.new(DEMO_KEY, b"synthetic-marker\n" + message, hashlib.sha256).hexdigest()


def _evidence(generator: str, files: Sequence[tuple[str, str]]) -> str:
    if len(files) == 1:
        return f"{generator}, sha256 {files[0][1]}"
    combined = hashlib.sha256("\n".join(f"{n} {d}" for n, d in files).encode("utf-8")).hexdigest()
    return f"{generator}, sha256 {combined} (of {len(files)} parts)"


def write_marker(log: str | os.PathLike[str], generator: str) -> Path:
    """Mark ``log`` (just written by ``generator``) as generated; return the marker's path.

    Only the generators call this, after their last byte is written.
    """
    if generator not in GENERATORS:
        raise ValueError(f"{generator!r} is not one of the toolkit's generators")
    log = Path(log)
    files = [(_name(p, log), sha256_file(p)) for p in _generated_files(log)]
    record = {"generator": generator, "files": [{"name": n, "sha256": d} for n, d in files], "signature": _signature(generator, files)}
    target = marker_path(log)
    return write_json(record, target)


def verify_marker(log: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """``(evidence, None)`` if ``log`` carries a valid generator marker, else ``(None, why not)``."""
    log = Path(log)
    marker = marker_path(log)
    if not marker.is_file():
        return None, f"no generator marker ({marker.name})"
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
        generator = record["generator"]
        listed = [(str(f["name"]), str(f["sha256"])) for f in record["files"]]
        signature = str(record["signature"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None, f"the marker {marker.name} cannot be read"
    if generator not in GENERATORS or not hmac.compare_digest(signature, _signature(generator, listed)):
        return None, f"the marker {marker.name} is not signed by the toolkit's generator"
    actual = [(_name(p, log), sha256_file(p)) for p in _generated_files(log)]
    if actual != listed:
        return None, f"the log's bytes do not match its marker {marker.name} (edited or replaced after generation)"
    return _evidence(generator, actual), None


def choose_key(
    log: str | os.PathLike[str],
    *,
    synthetic: bool = False,
    public_sample: bool = False,
    key_file: str | os.PathLike[str] | None = None,
) -> KeyChoice:
    """The key for cleaning ``log``: the demo key only for verified synthetic logs and shipped samples.

    Parameters
    ----------
    log
        The log file, or a folder of Parquet parts.
    synthetic
        The caller expects a generated log: refuse (rather than fall back to the secret key) when
        its marker does not verify.
    public_sample
        The log is one of the published samples in :data:`PUBLIC_SAMPLES` (refused otherwise).
    key_file
        The secret key's file for real logs (see :func:`research.clean.pseudonyms.load_key`).

    Raises
    ------
    PrivacyError
        ``synthetic`` without a valid marker, ``public_sample`` for a file that is not a shipped
        sample, or a real log without a usable secret key.
    """
    log = Path(log)
    evidence, problem = verify_marker(log)
    if evidence is not None:
        return KeyChoice(DEMO_KEY, True, evidence, DEMO_KIND)
    if synthetic:
        raise PrivacyError(f"{log.name}: --synthetic is only for logs made by `research takedowns synth` (the generator's marker must verify): {problem}; a real log needs the secret key")
    if public_sample:
        digest = sha256_file(log) if log.is_file() else None
        if digest not in PUBLIC_SAMPLES:
            raise PrivacyError(
                f"{log.name}: --public-sample is only for the published samples shipped with the toolkit "
                f"({'; '.join(PUBLIC_SAMPLES.values())}); this file is not one of them, so it needs the secret key"
            )
        return KeyChoice(DEMO_KEY, False, None, DEMO_KIND)
    return KeyChoice(load_key(key_file=key_file), False, None, SECRET_KIND)
