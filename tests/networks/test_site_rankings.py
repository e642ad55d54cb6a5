"""Rankings on sites: small sites never reach the top 30; blogspot subdomains are separate nodes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.networks.rankings import node_rates, ranking
from research.networks.status import latest_url_status


def _log(rng) -> pd.DataFrame:
    rows = []
    for s in range(60):
        urls = int(rng.integers(2, 40))
        rate = rng.uniform(0, 1)
        for u in range(urls):
            rows.append({"content_id": f"f{s}-{u}", "url_id": f"u{s}-{u}", "domain": "blogspot.com", "site": f"s{s}.blogspot.com", "outcome": "online" if rng.random() < rate else "removed"})
    return pd.DataFrame(rows)


def test_no_site_under_ten_requests_in_the_top_30_and_subdomains_are_nodes():
    log = _log(np.random.default_rng(4))
    status = latest_url_status(log)
    assert status["domain"].nunique() == 60 and set(status["icann_domain"]) == {"blogspot.com"}
    table = ranking(node_rates(status, "domain")[0])
    top = table[table["rank"].notna()].head(30)
    assert len(top) == 30 and (top["urls"] >= 10).all()
    assert table.loc[table["urls"] < 10, "rank"].isna().all()
    assert set(table["rank_by"]) == {"non_removal_rate_low"} and set(table["min_requests"]) == {10}
    ordered = top["non_removal_rate_low"].to_numpy()
    assert (np.diff(ordered) <= 0).all()  # ranked by the conservative bound


def test_domain_unit_keeps_icann_domains():
    status = latest_url_status(_log(np.random.default_rng(4)), unit="domain")
    assert set(status["domain"]) == {"blogspot.com"}
