"""Issue 15 item 1: a log is synthetic only when the toolkit's generator made it.

A ``synthetic`` column is user data; the demo key is refused for every log that is neither a
generated one (marker verified) nor a shipped public sample. Both engines decide the same way.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.clean.pseudonyms import DEMO_KEY, pseudonymise
from research.clean.synthetic_marker import PUBLIC_SAMPLES, choose_key, marker_path, verify_marker, write_marker
from research.clean.takedown_files import clean_log_file, write_cleaned
from research.clean.urls import normalise_urls
from research.config import paths
from research.errors import PrivacyError
from research.lineage import sha256_file, sidecar_path
from research.scale.files import clean_with_dask
from research.scale.synth_parquet import write_synth_parquet
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log, write_synth_log
from tests.conftest import TEST_SECRET_KEY

HEADER = "request_id,content_id,url,requested_at,checked_at,outcome,synthetic\n"
ROWS = [
    "R1,F1,https://alpha-host.com/v/1,2024-01-01,2024-01-05,removed,yes",
    "R1,F2,https://beta-host.net/v/2,2024-01-01,2024-01-05,online,yes",
    "R2,F3,https://gamma-host.org/p/3,2024-01-02,2024-01-09,online,yes",
]
OUTPUTS = ("takedowns.csv", "takedowns.parquet", "quarantine.csv", "quality.csv")


@pytest.fixture
def real_log(tmp_path):
    """A real log that marks AI-generated content in its own ``synthetic`` column."""
    path = tmp_path / "ngo_export.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def generated_log(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synthetic_log.csv.gz"
    write_synth_log(synth_log(scaled_counts(seed_funnel(paths().figures_csv), 60), seed=5), path)
    return path


def _url_ids(table: pd.DataFrame) -> list[str]:
    return table["url_id"].tolist()


def _secret_ids(key: bytes) -> list[str]:
    urls = normalise_urls(pd.Series([row.split(",")[2] for row in ROWS], dtype="string"))["url_normalised"]
    return pseudonymise(urls, key).tolist()


def test_a_synthetic_column_with_a_secret_key_set_keeps_the_secret_key(real_log, monkeypatch):
    monkeypatch.setenv("RESEARCH_HMAC_KEY", TEST_SECRET_KEY)
    result = clean_log_file(real_log)
    assert not result.table["synthetic"].any()
    assert _url_ids(result.table) == _secret_ids(TEST_SECRET_KEY.encode())
    assert _url_ids(result.table) != _secret_ids(DEMO_KEY)
    assert result.quality.set_index("metric").loc["hmac_key", "value"] == "secret"
    assert result.provenance == {"synthetic": False, "synthetic_evidence": None}


@pytest.mark.parametrize("engine", ["default", "dask"])
def test_a_synthetic_column_without_a_key_is_refused_by_both_engines(real_log, tmp_path, monkeypatch, engine):
    monkeypatch.delenv("RESEARCH_HMAC_KEY", raising=False)
    with pytest.raises(PrivacyError, match="no HMAC key"):
        if engine == "default":
            clean_log_file(real_log, key_file=tmp_path / "absent.key")
        else:
            clean_with_dask(real_log, tmp_path / "out", key_file=tmp_path / "absent.key", scheduler="synchronous")


@pytest.mark.parametrize("engine", ["default", "dask"])
def test_synthetic_flag_on_a_real_log_is_refused(real_log, tmp_path, secret_key_file, engine):
    with pytest.raises(PrivacyError, match="only for logs made by"):
        if engine == "default":
            clean_log_file(real_log, synthetic=True, key_file=secret_key_file)
        else:
            clean_with_dask(real_log, tmp_path / "out", synthetic=True, key_file=secret_key_file, scheduler="synchronous")


def test_a_generated_log_is_synthetic_and_its_lineage_says_why(generated_log, tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_HMAC_KEY", TEST_SECRET_KEY)  # a secret key set does not matter: the marker decides
    result = clean_log_file(generated_log)
    assert result.table["synthetic"].all() and len(result.table) > 0
    evidence = f"research.takedowns.synth, sha256 {sha256_file(generated_log)}"
    assert result.provenance == {"synthetic": True, "synthetic_evidence": evidence}
    write_cleaned(result, tmp_path / "default", inputs=[generated_log], parameters={})
    clean_with_dask(generated_log, tmp_path / "dask", scheduler="synchronous")
    for engine in ("default", "dask"):
        for name in OUTPUTS:
            record = json.loads(sidecar_path(tmp_path / engine / name).read_text())
            assert (record["synthetic"], record["synthetic_evidence"]) == (True, evidence), (engine, name)
    for name in ("takedowns.csv", "quarantine.csv", "quality.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "default" / name).read_bytes(), name


def test_real_outputs_lineage_records_not_synthetic(real_log, tmp_path, secret_key_file):
    write_cleaned(clean_log_file(real_log, key_file=secret_key_file), tmp_path / "out", inputs=[real_log], parameters={})
    for name in OUTPUTS:
        record = json.loads(sidecar_path(tmp_path / "out" / name).read_text())
        assert record["synthetic"] is False and record["synthetic_evidence"] is None


def test_an_edited_generated_log_is_no_longer_synthetic(generated_log, tmp_path, secret_key_file):
    edited = tmp_path / generated_log.name
    shutil.copy(generated_log, edited)
    shutil.copy(marker_path(generated_log), marker_path(edited))
    assert verify_marker(edited)[0] is not None
    rows = gzip.decompress(edited.read_bytes()).decode().splitlines(keepends=True)
    edited.write_bytes(gzip.compress("".join(rows[:-1]).encode(), mtime=0))  # one row deleted
    evidence, problem = verify_marker(edited)
    assert evidence is None and "do not match" in problem
    assert not clean_log_file(edited, key_file=secret_key_file).table["synthetic"].any()
    with pytest.raises(PrivacyError, match="do not match"):
        clean_log_file(edited, synthetic=True, key_file=secret_key_file)


def test_a_real_log_beside_a_copied_marker_is_real(generated_log, real_log):
    shutil.copy(marker_path(generated_log), marker_path(real_log))
    assert verify_marker(real_log)[0] is None


def test_a_hand_written_marker_without_the_signature_is_refused(real_log):
    record = {"generator": "research.takedowns.synth", "files": [{"name": real_log.name, "sha256": sha256_file(real_log)}], "signature": "0" * 64}
    marker_path(real_log).write_text(json.dumps(record))
    assert "not signed" in verify_marker(real_log)[1]
    marker_path(real_log).write_text("{not json")
    assert "cannot be read" in verify_marker(real_log)[1]
    # Signed with another key (anyone's own): still not the generator's.
    message = b"synthetic-marker\nresearch.takedowns.synth\n" + f"{real_log.name} {sha256_file(real_log)}".encode()
    record["signature"] = hmac.new(b"someone else's key", message, hashlib.sha256).hexdigest()
    marker_path(real_log).write_text(json.dumps(record))
    assert verify_marker(real_log)[0] is None


def test_only_the_generators_may_write_a_marker(real_log):
    with pytest.raises(ValueError):
        write_marker(real_log, "my.own.tool")


def test_public_sample_only_for_the_shipped_samples(real_log, repo_paths):
    with pytest.raises(PrivacyError, match="public-sample"):
        choose_key(real_log, public_sample=True)
    lumen = repo_paths.raw / "external" / "lumen-notices-sample.json"
    choice = choose_key(lumen, public_sample=True)
    assert (choice.key, choice.synthetic, choice.evidence) == (DEMO_KEY, False, None)
    result = clean_log_file(lumen, "lumen", public_sample=True)
    assert len(result.table) > 0 and not result.table["synthetic"].any()


def test_the_public_samples_are_the_files_in_the_raw_manifest(repo_paths):
    manifest = dict(line.split("  ", 1)[::-1] for line in repo_paths.manifest.read_text().splitlines() if line)
    for digest, description in PUBLIC_SAMPLES.items():
        name = description.split("(data/raw/")[1].rstrip(")")
        assert manifest[name] == digest


def test_a_generated_parquet_folder_is_synthetic_until_a_part_is_added(tmp_path):
    folder = tmp_path / "parts"
    write_synth_parquet(folder, 600, seed_funnel(paths().figures_csv), seed=2, rows_per_chunk=300)
    assert verify_marker(folder)[0].startswith("research.scale.synth_parquet, sha256 ")
    assert choose_key(folder).synthetic
    pd.read_parquet(next(folder.glob("part-*.parquet"))).to_parquet(folder / "part-99999.parquet")
    assert verify_marker(folder)[0] is None


def test_cli_with_a_synthetic_column_and_an_environment_key(real_log, tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_HMAC_KEY", TEST_SECRET_KEY)
    result = CliRunner().invoke(app, ["takedowns", "clean", str(real_log), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    quality = pd.read_csv(tmp_path / "o" / "quality.csv").set_index("metric")["value"]
    assert quality["hmac_key"] == "secret" and quality["synthetic"] == "False"
    refused = CliRunner().invoke(app, ["takedowns", "clean", str(real_log), "--out", str(tmp_path / "p"), "--synthetic"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output and "only for logs made by" in refused.output
