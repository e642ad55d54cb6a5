"""Near-duplicate re-uploads: PDQ hashes within a Hamming distance are one content for re-emergence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.takedowns.near_duplicates import PDQ_MATCH_DISTANCE, content_groups, hamming_distances, hash_words
from research.takedowns.reemergence import reemergence_table
from tests.takedowns.takedown_logs import cleaned

BASE = "f" * 16 + "0" * 16 + "a5" * 8 + "3c" * 8


def _flip(hex_hash: str, bits: int) -> str:
    """``hex_hash`` with its lowest ``bits`` bits flipped (``bits`` ≤ 64)."""
    value = int(hex_hash, 16) ^ ((1 << bits) - 1)
    return f"{value:064x}"


def test_hamming_distance_counts_differing_bits():
    words = hash_words([BASE, _flip(BASE, 31), _flip(BASE, 32), "0" * 64])
    distances = hamming_distances(words, words)
    assert distances[0].tolist() == [0, 31, 32, bin(int(BASE, 16)).count("1")]
    assert (distances == distances.T).all()


def test_groups_join_hashes_within_the_threshold_only():
    table = pd.DataFrame(
        {
            "content_id": ["a", "b", "c", "d", "e"],
            "content_hash": [BASE, _flip(BASE, 31), _flip(BASE, 32), None, _flip(_flip(BASE, 31), 20)],
        }
    )
    groups = content_groups(table, PDQ_MATCH_DISTANCE)
    # a–b at 31 bits: one content; c is 32 bits from a but only 1 from b: joined through b (transitive);
    # e is 11 bits from a (the flips overlap): joined; d has no hash and keeps its own id.
    assert groups.tolist() == ["a", "a", "a", "d", "a"]
    assert content_groups(table, 0).tolist() == ["a", "b", "c", "d", "e"]


def test_a_reencoded_reupload_counts_as_reemergence_only_when_asked():
    # File x removed from s1 on day 2; a re-encoded copy (new id y, hash 12 bits away) appears on s2 on day 5.
    rows = [("x", "u1", "s1.example", "removed", 0, 3, 2, "platform_report"), ("y", "u2", "s2.example", "online", 5, 6, None, "platform_report")]
    table = cleaned(rows).assign(content_hash=[BASE, _flip(BASE, 12)])
    exact = reemergence_table(table).query("group_kind == 'all'").iloc[0]
    near = reemergence_table(table, max_hash_distance=PDQ_MATCH_DISTANCE).query("group_kind == 'all'").iloc[0]
    assert (exact["removals"], exact["reemerged"], exact["match"]) == (1, 0, "content_id")
    assert (near["removals"], near["reemerged"], near["match"]) == (1, 1, "content_hash_within_31_bits")
    assert near["median_days"] == 3.0


def test_cleaning_reads_and_checks_content_hashes():
    from research.clean.pseudonyms import DEMO_KEY
    from research.clean.takedowns import clean_takedown_log

    raw = pd.DataFrame(
        {
            "request_id": ["r1", "r2", "r3"],
            "content_id": ["c1", "c2", "c3"],
            "url": ["https://a.example.com/1", "https://b.example.com/2", "https://c.example.com/3"],
            "requested_at": "2024-01-01",
            "checked_at": "2024-01-05",
            "outcome": "online",
            "content_hash": [f"  {BASE.upper()} ", "", "abc123"],
        },
        dtype="string",
    )
    result = clean_takedown_log(raw, key=DEMO_KEY)
    assert result.table["content_hash"].tolist()[:1] == [BASE] and result.table["content_hash"].isna().tolist() == [False, True]
    bad = result.quarantine.set_index("row_number").loc[3]
    assert bad["column"] == "content_hash" and "PDQ" in bad["reason"]


def test_many_hashes_are_compared_in_blocks():
    rng = np.random.default_rng(0)
    hashes = [f"{int(v):016x}" * 4 for v in rng.integers(0, 2**63, 2_500)]
    table = pd.DataFrame({"content_id": [f"c{i:04d}" for i in range(len(hashes))], "content_hash": hashes})
    table.loc[len(table)] = ["twin", _flip(hashes[7], 5)]
    groups = content_groups(table)
    assert groups.iloc[-1] == "c0007" and groups.nunique() == len(hashes)  # random hashes are ~128 bits apart


def test_cli_hash_distance_needs_hashes(tmp_path):
    from typer.testing import CliRunner

    from research.cli import app

    rows = [("x", "u1", "s1.example", "removed", 0, 3, 2, "platform_report"), ("y", "u2", "s2.example", "online", 5, 6, None, "platform_report")]
    log = tmp_path / "takedowns.parquet"
    cleaned(rows).to_parquet(log)
    result = CliRunner().invoke(app, ["takedowns", "analyse", str(log), "--out", str(tmp_path / "a"), "--public", "--hash-distance", "31"])
    assert result.exit_code == 1 and "content_hash" in result.output
    cleaned(rows).assign(content_hash=[BASE, _flip(BASE, 12)]).to_parquet(log)
    result = CliRunner().invoke(app, ["takedowns", "analyse", str(log), "--out", str(tmp_path / "a"), "--public", "--hash-distance", "31"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "a" / "reemergence.csv")
    assert set(table["match"]) == {"content_hash_within_31_bits"}
