"""The synthetic example log: seeded, and its per-file funnel is exactly the NPO's."""

from __future__ import annotations

import pandas as pd
import pytest

from research.clean.outcomes import map_outcomes
from research.clean.pseudonyms import DEMO_KEY
from research.clean.takedowns import clean_takedown_log
from research.takedowns.funnel import file_funnel_counts
from research.takedowns.seeds import scaled_counts, seed_funnel
from research.takedowns.synth import synth_log, write_synth_log


@pytest.fixture(scope="module")
def funnel(repo_paths):
    return seed_funnel(repo_paths.figures_csv)


def test_seed_funnel_read_from_figures_csv(funnel):
    assert funnel.counts == {"fully_removed": 59653, "partly_removed": 7577, "still_online": 30625, "unknown": 1411}
    assert funnel.total == 99266
    assert funnel.figure_ids["still_online"] == "F1091"


@pytest.mark.slow
def test_full_size_log_matches_the_four_figures_exactly(funnel):
    log = synth_log(funnel.counts)
    assert 250_000 <= len(log) <= 800_000  # several hundred thousand URLs
    # File status from the raw words (URLs are unique by construction, so the raw text is the id).
    frame = pd.DataFrame(
        {
            "content_id": log["content_id"], "url_id": log["url"], "outcome": map_outcomes(log["outcome"])["category"],
            "checked_at": log["checked_at"], "requested_at": log["requested_at"], "row_number": range(len(log)),
        }
    )
    assert frame["outcome"].notna().all()
    counts = file_funnel_counts(frame).set_index("status")["n"].to_dict()
    assert counts == funnel.counts


def test_cleaned_small_log_keeps_the_proportions_and_every_row(funnel):
    counts = scaled_counts(funnel, 3000)
    assert sum(counts.values()) == 3000
    log = synth_log(counts, seed=7)
    result = clean_takedown_log(log.drop(columns="synthetic"), key=DEMO_KEY, synthetic=True)
    assert len(result.table) == len(log) and result.quarantine.empty
    assert file_funnel_counts(result.table).set_index("status")["n"].to_dict() == counts
    # Realism: heavy-tailed sites, mirrored files, several channels, providers and countries.
    per_domain = result.table["domain"].value_counts()
    assert per_domain.iloc[0] > 10 * per_domain.median()
    assert result.table.groupby("content_id")["domain"].nunique().max() >= 5
    assert result.table["channel"].nunique() == 4 and result.table["country"].str.match(r"X[A-L]").all()


def test_same_seed_same_log_other_seed_other_log(funnel):
    counts = scaled_counts(funnel, 500)
    assert synth_log(counts, seed=3).equals(synth_log(counts, seed=3))
    assert not synth_log(counts, seed=3).equals(synth_log(counts, seed=4))


def test_gzipped_log_has_the_same_bytes_wherever_it_is_written(tmp_path):
    """No file name and no time in the gzip header: the temporary file's name (with the writing
    process's id) once made every clone's log, and so every table's lineage, differ."""
    import gzip

    log = synth_log({"fully_removed": 6, "partly_removed": 1, "still_online": 3, "unknown": 1}, seed=3)
    first, second = write_synth_log(log, tmp_path / "a" / "log.csv.gz"), write_synth_log(log, tmp_path / "b" / "other.csv.gz")
    header = first.read_bytes()[:10]
    assert header[3] & 0x08 == 0 and header[4:8] == b"\0\0\0\0"  # FLG.FNAME unset; MTIME zero
    assert first.read_bytes() == second.read_bytes()
    with gzip.open(first) as unpacked:
        assert pd.read_csv(unpacked).equals(pd.read_csv(first))
