"""Speed and peak memory of the takedown pipeline at 1M / 10M rows (``make bench ARGS="--rows 1000000"``).

Each stage runs in its own subprocess, which reports its wall time and peak resident memory
(``ru_maxrss``); results go to ``benchmarks/results.md``. Not a test: nothing here asserts a time.
Stages: (a) floor — pyarrow reads the CSV; (b) default engine — clean + funnel + domain network
(URL status, co-hosting projection, domain rates); (c) naive — row-wise tldextract and networkx's
bipartite ``weighted_projected_graph`` on a sample, extrapolated linearly (labelled as such);
(d) Dask engine — CSV to partitioned Parquet, clean, URL status, projection; plus the co-hosting
projection against networkx on a 1M-edge bipartite graph with the weights checked equal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20241202


def make_log(rows: int) -> Path:
    """A seeded synthetic log of about ``rows`` rows (the repo's generator, scaled by files)."""
    path = DATA / f"log_{rows}.csv"
    if not path.exists():
        from research.config import paths
        from research.takedowns.seeds import scaled_counts, seed_funnel
        from research.takedowns.synth import synth_log

        funnel = seed_funnel(paths().figures_csv)
        counts = scaled_counts(funnel, max(1, round(rows / 3.58)))  # ~3.58 rows per file in the seed log
        DATA.mkdir(parents=True, exist_ok=True)
        synth_log(counts, seed=SEED).to_csv(path, index=False)
    return path


def stage(name: str, log: Path, sample: int) -> dict:
    start = time.perf_counter()
    detail: dict = {}
    if name == "floor":
        import pyarrow.csv as pacsv

        detail["rows"] = pacsv.read_csv(log).num_rows
    elif name == "default":
        from research.clean.takedown_files import clean_log_file
        from research.networks.bipartite import co_hosting_edges, incidence_matrix
        from research.networks.rankings import node_rates
        from research.networks.status import latest_url_status
        from research.takedowns.funnel import funnel_tables

        table = clean_log_file(log, synthetic=True).table
        funnel_tables(table)
        status = latest_url_status(table)
        detail["edges"] = len(co_hosting_edges(incidence_matrix(status)))
        node_rates(status, "domain")
        detail["rows"] = len(table)
    elif name == "naive":
        import networkx as nx
        import pandas as pd
        import tldextract
        from networkx.algorithms import bipartite

        raw = pd.read_csv(log, dtype=str, nrows=sample)
        extract = tldextract.TLDExtract(suffix_list_urls=())  # offline: the bundled list
        raw["domain"] = [extract(u).top_domain_under_public_suffix for u in raw["url"]]
        graph = nx.Graph()
        for content, domain in zip(raw["content_id"], raw["domain"]):
            graph.add_node("c:" + content, bipartite=0)
            graph.add_node(domain, bipartite=1)
            graph.add_edge("c:" + content, domain)
        projected = bipartite.weighted_projected_graph(graph, sorted(set(raw["domain"])))
        detail.update(rows=len(raw), edges=projected.number_of_edges(), sampled=True)
    elif name == "dask":
        from research.clean.pseudonyms import load_key
        from research.networks.bipartite import co_hosting_edges, incidence_matrix
        from research.scale.engine import clean_log_to_parquet, csv_to_parquet, dask_scheduler, url_status_dask

        work = DATA / f"dask_{log.stem}"
        parts = csv_to_parquet(log, work / "raw")
        with dask_scheduler(None):
            clean_log_to_parquet(parts[0].parent, work / "clean", key=load_key(synthetic=True), synthetic=True)
            status = url_status_dask(work / "clean" / "takedowns")
        detail["edges"] = len(co_hosting_edges(incidence_matrix(status)))
    elif name in ("projection_sparse", "projection_networkx"):
        import numpy as np
        import pandas as pd

        rng = np.random.default_rng(SEED)
        pairs = pd.DataFrame({"content_id": rng.integers(0, 400_000, 1_000_000).astype(str), "domain": "d" + pd.Series(rng.zipf(1.6, 1_000_000) % 5000).astype(str)}).drop_duplicates()
        if name == "projection_sparse":
            from research.networks.bipartite import co_hosting_edges, incidence_matrix

            edges = co_hosting_edges(incidence_matrix(pairs))
        else:
            from networkx.algorithms import bipartite

            from research.networks.bipartite import bipartite_graph

            graph = bipartite_graph(pairs)
            projected = bipartite.weighted_projected_graph(graph, sorted(set(pairs["domain"])))
            edges = pd.DataFrame([(min(a, b), max(a, b), d["weight"]) for a, b, d in projected.edges(data=True)], columns=["domain_a", "domain_b", "shared_content"])
        edges = edges.sort_values(["domain_a", "domain_b"]).reset_index(drop=True)
        edges.to_parquet(DATA / f"{name}.parquet")
        detail.update(bipartite_edges=len(pairs), projected_edges=len(edges))
    wall = time.perf_counter() - start
    return {"stage": name, "wall_s": round(wall, 2), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, **detail}


def run_child(name: str, log: Path, sample: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", name, "--log", str(log), "--sample", str(sample)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"stage": name, "error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.processor())
    mem = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    return f"{cpu}; {os.cpu_count()} cores; {mem / 1024**2:.0f} GB RAM; Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--sample", type=int, default=50_000, help="rows the naive path runs on (then extrapolated)")
    parser.add_argument("--stages", nargs="*", default=["floor", "default", "naive", "dask"])
    parser.add_argument("--child")
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stage(args.child, args.log, args.sample)))
        return
    results = []
    for rows in args.rows:
        log = make_log(rows)
        for name in args.stages:
            result = run_child(name, log, args.sample) | {"log_rows": rows}
            print(result, flush=True)
            results.append(result)
    projection = [run_child(n, Path("."), 0) for n in ("projection_sparse", "projection_networkx")]
    write_results(results, projection, sys.argv[1:])


def write_results(results: list[dict], projection: list[dict], argv: list[str]) -> None:
    lines = ["# Benchmarks (generated by `benchmarks/run.py`)", "", f"Machine: {machine()}.", "The machine is shared with other work while measuring; wall times include that contention.", "", f"Rerun: `make bench ARGS=\"{' '.join(argv)}\"`", ""]
    lines += ["| log rows | stage | wall s | peak RSS MB | × floor | × naive (extrapolated) | note |", "|---:|---|---:|---:|---:|---:|---|"]
    for rows in sorted({r["log_rows"] for r in results}):
        mine = {r["stage"]: r for r in results if r["log_rows"] == rows}
        floor = mine.get("floor", {}).get("wall_s")
        naive = mine.get("naive", {})
        naive_full = naive["wall_s"] * rows / naive["rows"] if naive.get("rows") else None
        for name, r in mine.items():
            if "error" in r:
                lines.append(f"| {rows:,} | {name} | – | – | – | – | failed: {r['error']} |")
                continue
            wall = naive_full if name == "naive" else r["wall_s"]
            note = f"measured on {naive['rows']:,} rows ({naive['wall_s']} s), extrapolated linearly" if name == "naive" else ""
            lines.append(f"| {rows:,} | {name} | {wall:.1f} | {r['peak_rss_mb']} | {wall / floor:.1f} | {wall / naive_full:.3f} | {note} |" if floor and naive_full else f"| {rows:,} | {name} | {wall:.1f} | {r['peak_rss_mb']} | – | – | {note} |")
    sparse, nxp = projection
    same = "?"
    if "error" not in sparse and "error" not in nxp:
        import pandas as pd

        same = "yes" if pd.read_parquet(DATA / "projection_sparse.parquet").astype(str).equals(pd.read_parquet(DATA / "projection_networkx.parquet").astype(str)) else "NO"
    lines += ["", "## Co-hosting projection on a 1M-edge bipartite graph", "", "| method | wall s | peak RSS MB | projected edges |", "|---|---:|---:|---:|"]
    for r in projection:
        lines.append(f"| {r['stage']} | {r.get('wall_s', '–')} | {r.get('peak_rss_mb', '–')} | {r.get('projected_edges', r.get('error', ''))} |")
    if "wall_s" in sparse and "wall_s" in nxp:
        lines.append(f"\nSpeed-up {nxp['wall_s'] / sparse['wall_s']:.0f}× (including building the inputs); same weights: {same}.")
    (HERE / "results.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
