"""Speed and peak memory of the takedown pipeline at 1M / 10M rows (``make bench ARGS="--rows 1000000"``).

Logs are generated first, each in its own subprocess, so the measuring parent stays small. Each stage
then runs in a fresh subprocess (``python run.py --child STAGE``) that reports its own wall time;
the parent samples ``/proc/<pid>/status`` of that child and of every descendant (the Dask
nanny and worker processes included) every 0.2 s and records the largest *sum* of ``VmRSS`` over the
tree, plus the child's own ``VmHWM`` (kernel high-water mark, exact for the main process).
``ru_maxrss`` is not used: it survives fork + exec, so a child would report its parent's peak.
Results go to ``benchmarks/results.md``. Not a test: nothing here asserts a time.
Stages: (a) floor — pyarrow reads the CSV, three times in one process, and the fastest read is the
floor (its wall and CPU time; every read is kept in ``reads``): in this virtual machine the first
touch of memory after another large process can cost seconds of kernel time (a 10M-row read took
3.5 s once and 7.8–9.1 s, 10–12 of them kernel CPU-seconds, the times before and after), and a
floor made slow by that would flatter every ratio; (b) default engine — clean + funnel + domain network
(URL status, co-hosting projection, domain rates, Louvain mirror communities); (c) naive — row-wise tldextract and networkx's
bipartite ``weighted_projected_graph`` on a sample, extrapolated linearly (labelled as such);
(d) Dask engine — CSV to partitioned Parquet, then the bounded Dask path (clean + funnel + URL status +
domain rates + co-hosting projection, :func:`research.scale.network.takedown_network_dask`);
(e) ``dask_parquet`` — the same bounded path on a synthetic log generated straight to Parquet parts
(``--parquet-rows``, :mod:`research.scale.synth_parquet`), for logs larger than memory; plus the
co-hosting projection against networkx on a 1M-edge bipartite graph with the weights checked equal.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20241202
#: Reads of the log in the floor stage; the fastest is the floor.
FLOOR_READS = 3


def make_log(rows: int) -> Path:
    """A seeded synthetic log of about ``rows`` rows (the repo's generator, scaled by files)."""
    path = DATA / f"log_{rows}.csv"
    from research.clean.synthetic_marker import marker_path

    if not path.exists() or not marker_path(path).exists():
        from research.config import paths
        from research.takedowns.seeds import scaled_counts, seed_funnel
        from research.takedowns.synth import synth_log, write_synth_log

        funnel = seed_funnel(paths().figures_csv)
        counts = scaled_counts(funnel, max(1, round(rows / 3.58)))  # ~3.58 rows per file in the seed log
        # Written atomically, then the generator's marker: the log cleans as synthetic (demo key).
        write_synth_log(synth_log(counts, seed=SEED), path)
    return path


def make_log_in_subprocess(rows: int) -> Path:
    """Generate the log in its own process, so the measuring parent never holds it in memory."""
    path = DATA / f"log_{rows}.csv"
    if not path.exists():
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; run.make_log({rows})"
        subprocess.run([sys.executable, "-c", code], check=True)
    return path


def parquet_log_dir(rows: int, partition_rows: int) -> Path:
    return DATA / f"synth_parquet_{rows}_{partition_rows}"


def make_parquet_log(rows: int, partition_rows: int) -> Path:
    """A seeded synthetic log of about ``rows`` rows written chunk by chunk to Parquet parts."""
    from research.config import paths
    from research.scale.synth_parquet import write_synth_parquet
    from research.takedowns.seeds import seed_funnel

    folder = parquet_log_dir(rows, partition_rows)
    write_synth_parquet(folder, rows, seed_funnel(paths().figures_csv), seed=SEED, rows_per_chunk=partition_rows)
    return folder


def make_parquet_log_in_subprocess(rows: int, partition_rows: int) -> Path:
    """Generate the Parquet log in its own process (skipped when the finished log is there)."""
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; run.make_parquet_log({rows}, {partition_rows})"
    subprocess.run([sys.executable, "-c", code], check=True)
    return parquet_log_dir(rows, partition_rows)


def dask_network(raw_files: list, out: Path, workers: int, memory: str) -> dict:
    """The bounded Dask path on Parquet parts, on a local cluster; sizes of what it wrote."""
    from research.clean.synthetic_marker import choose_key
    from research.config import RETURN_FREED_MEMORY_ENV
    from research.scale.engine import dask_scheduler
    from research.scale.memory import return_freed_memory
    from research.scale.network import run_summary, takedown_network_dask

    os.environ[RETURN_FREED_MEMORY_ENV] = "1"  # as `research` runs with it: this process and the workers
    return_freed_memory()
    choice = choose_key(Path(raw_files[0]).parent, synthetic=True)  # the generator's folder, marker verified
    steps: dict[str, float] = {}
    with dask_scheduler(None, workers=workers, memory_limit=memory):
        network = takedown_network_dask(raw_files, out, key=choice.key, synthetic=choice.synthetic, source=out.name, steps=steps)
    return run_summary(network, {"partitions": len(raw_files), "workers": workers, "worker_memory": memory, "steps_s": steps})


def stage(name: str, log: Path, sample: int, workers: int = 2, memory: str = "4GB") -> dict:
    start = time.perf_counter()
    detail: dict = {}
    if name == "floor":
        import pyarrow.csv as pacsv

        reads = []
        for _ in range(FLOOR_READS):
            began, began_cpu = time.perf_counter(), time.process_time()  # process_time: user + kernel, every thread
            detail["rows"] = pacsv.read_csv(log).num_rows
            reads.append((round(time.perf_counter() - began, 2), round(time.process_time() - began_cpu, 1)))
        wall, cpu = min(reads)
        return {"stage": name, "wall_s": wall, "floor_cpu_s": cpu, "reads": [list(r) for r in reads], **detail}
    elif name == "default":
        from research.clean.takedown_files import clean_log_file
        from research.scale.memory import return_freed_memory
        from research.networks.bipartite import co_hosting_edges, incidence_matrix
        from research.networks.communities import communities_from_edges
        from research.networks.rankings import node_rates
        from research.networks.status import latest_url_status
        from research.takedowns.funnel import funnel_tables

        return_freed_memory()  # as `research` does with RESEARCH_RETURN_FREED_MEMORY=1
        steps, lap = {}, time.perf_counter()

        def step(name: str) -> None:
            nonlocal lap
            now = time.perf_counter()
            steps[name], lap = round(now - lap, 1), now

        table = clean_log_file(log, synthetic=True).table
        step("clean")
        funnel_tables(table)
        step("funnel")
        status = latest_url_status(table)
        step("status")
        incidence = incidence_matrix(status)
        edges = co_hosting_edges(incidence)
        node_rates(status, "domain")
        step("network")
        detail["communities"] = int(communities_from_edges(edges, incidence.domains)["community"].nunique())
        step("communities")
        detail["edges"] = len(edges)
        detail.update(rows=len(table), steps_s=steps)
    elif name in ("duckdb", "polars"):
        from research.clean.synthetic_marker import choose_key
        from research.networks.communities import communities_from_edges
        from research.networks.rankings import rates_from_counts
        from research.scale.columnar import CleanOptions
        from research.scale.memory import return_freed_memory

        return_freed_memory()
        steps, lap = {}, time.perf_counter()

        def step(label: str) -> None:
            nonlocal lap
            now = time.perf_counter()
            steps[label], lap = round(now - lap, 1), now

        key = choose_key(log, synthetic=True).key  # the generator's log: marker verified
        if name == "duckdb":
            from research.scale import duckdb_engine as engine

            con = engine.connect(memory_limit=os.environ.get("BENCH_DUCKDB_MEMORY", "3GB"), temp_directory=str(DATA / "duckdb_tmp"))
            log_tables = engine.clean(con, engine.load_csv(con, log), CleanOptions(key=key, synthetic=True))
            rows = engine.quality(log_tables)
            step("clean")
            engine.funnel(con)
            step("funnel")
            engine.url_status(con)
            step("status")
            edges, domains = engine.co_hosting_edges(con), engine.domains(con)
            rates_from_counts(engine.node_counts(con), "domain")
        else:
            from research.scale import polars_engine as engine

            table, quarantine, rows_in = engine.clean_frames(log, CleanOptions(key=key, synthetic=True))
            rows = engine.quality(rows_in, table, quarantine, True)
            step("clean")
            engine.funnel(table)
            step("funnel")
            status = engine.url_status(table)
            step("status")
            edges, domains = engine.co_hosting_edges(status), engine.domains(status)
            rates_from_counts(engine.node_counts(status), "domain")
        step("network")
        detail["communities"] = int(communities_from_edges(edges, domains)["community"].nunique())
        step("communities")
        detail.update(rows=int(dict(zip(rows["metric"], rows["value"]))["rows_out"]), edges=len(edges), steps_s=steps)
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
        from research.scale.engine import csv_to_parquet

        work = DATA / f"dask_{log.stem}"
        parts = csv_to_parquet(log, work / "raw")
        detail.update(dask_network(parts, work / "out", workers, memory))
    elif name == "dask_parquet":
        from research.scale.engine import parquet_parts

        detail.update(dask_network(parquet_parts(log), DATA / f"dask_out_{log.name}", workers, memory))
    elif name in ("projection_sparse", "projection_networkx"):
        import numpy as np
        import pandas as pd

        rng = np.random.default_rng(SEED)
        pairs = pd.DataFrame({"content_id": rng.integers(0, 400_000, 1_000_000).astype(str), "domain": "d" + pd.Series(rng.zipf(1.6, 1_000_000) % 5000).astype(str)}).drop_duplicates()
        built = time.perf_counter()  # "project_s" below excludes drawing the random pairs
        if name == "projection_sparse":
            from research.networks.bipartite import co_hosting_edges, incidence_matrix

            edges = co_hosting_edges(incidence_matrix(pairs))
        else:
            from networkx.algorithms import bipartite

            from research.networks.bipartite import bipartite_graph

            graph = bipartite_graph(pairs)
            projected = bipartite.weighted_projected_graph(graph, sorted(set(pairs["domain"])))
            edges = pd.DataFrame([(min(a, b), max(a, b), d["weight"]) for a, b, d in projected.edges(data=True)], columns=["domain_a", "domain_b", "shared_content"])
        detail["project_s"] = round(time.perf_counter() - built, 2)
        edges = edges.sort_values(["domain_a", "domain_b"]).reset_index(drop=True)
        edges.to_parquet(DATA / f"{name}.parquet")
        detail.update(bipartite_edges=len(pairs), projected_edges=len(edges))
    wall = time.perf_counter() - start
    return {"stage": name, "wall_s": round(wall, 2), **detail}


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process ended between listing and reading
    return 0


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it, from the parent ids in ``/proc/*/stat``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def run_child(name: str, log: Path, sample: int, interval: float = 0.2, max_rss_gb: float = 16.0, dask: tuple[int, str] = (2, "4GB")) -> dict:
    """Run one stage in a fresh process; sample the RSS of its whole process tree meanwhile.

    A stage whose tree grows beyond ``max_rss_gb`` is stopped (the machine is shared; better a
    recorded "exceeded" than the kernel's OOM killer picking a process).
    """
    cmd = [sys.executable, __file__, "--child", name, "--log", str(log), "--sample", str(sample), "--dask-workers", str(dask[0]), "--dask-memory", dask[1]]
    # stderr to a file, not a pipe: Dask workers log there, and a full pipe nobody reads would stall them.
    (DATA / "logs").mkdir(parents=True, exist_ok=True)
    errors = open(DATA / "logs" / f"{name}_{log.stem or 'none'}.stderr", "w+")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True)
    peak_tree = peak_main = processes = 0
    while proc.poll() is None:
        tree = _descendants(proc.pid)
        processes = max(processes, len(tree))
        peak_tree = max(peak_tree, sum(_status_kb(pid, "VmRSS") for pid in tree))
        peak_main = max(peak_main, _status_kb(proc.pid, "VmHWM"))
        if peak_tree > max_rss_gb * 1024**2:
            for pid in reversed(tree):  # only this stage's own processes, deepest first
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            proc.wait()
            errors.close()
            return {"stage": name, "error": f"stopped after {time.perf_counter() - started:.0f} s wall: process tree RSS passed {max_rss_gb:g} GB"}
        time.sleep(interval)
    stdout, _ = proc.communicate()
    errors.seek(0)
    stderr = errors.read()
    errors.close()
    if proc.returncode != 0:
        return {"stage": name, "error": stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # CPU of the stage and of every process it waited for
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    memory = {"peak_tree_rss_mb": peak_tree // 1024, "peak_main_hwm_mb": peak_main // 1024, "processes": processes,
              "cpu_s": round(cpu, 1), "load_start": round(load, 1), "load_end": round(os.getloadavg()[0], 1)}
    result = json.loads(stdout.strip().splitlines()[-1]) | memory
    if "floor_cpu_s" in result:  # the floor's fastest read, not the process's three reads
        result["process_cpu_s"], result["cpu_s"] = result["cpu_s"], result.pop("floor_cpu_s")
    return result


def machine(load: bool = True) -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.processor())
    mem = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    where = f"{cpu}; {os.cpu_count()} cores; {mem / 1024**2:.0f} GB RAM; Python {platform.python_version()}"
    return where + (f"; load average at start {os.getloadavg()[0]:.1f}" if load else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--sample", type=int, default=50_000, help="rows the naive path runs on (then extrapolated)")
    parser.add_argument("--stages", nargs="*", default=["floor", "default", "duckdb", "polars", "naive", "dask"])
    parser.add_argument("--no-projection", dest="projection", action="store_false", help="skip the 1M-edge sparse vs networkx comparison")
    parser.add_argument("--append", action="store_true", help="keep earlier rows of benchmarks/raw.jsonl (other log sizes)")
    parser.add_argument("--max-rss-gb", type=float, default=16.0, help="stop a stage whose process tree exceeds this")
    parser.add_argument("--parquet-rows", type=int, nargs="*", default=[], help="sizes of synthetic Parquet logs for the dask_parquet stage")
    parser.add_argument("--partition-rows", type=int, default=1_000_000, help="rows per Parquet part of those logs (= Dask partition)")
    parser.add_argument("--dask-workers", type=int, default=2, help="worker processes of the local Dask cluster (1 thread each)")
    parser.add_argument("--dask-memory", default="4GB", help="memory limit of each Dask worker")
    parser.add_argument("--child")
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stage(args.child, args.log, args.sample, args.dask_workers, args.dask_memory)))
        return
    dask = (args.dask_workers, args.dask_memory)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())  # ratios are only taken within one run
    csv_stages = [name for name in args.stages if name != "dask_parquet"]
    logs = {rows: make_log_in_subprocess(rows) for rows in args.rows} if csv_stages else {}
    results = []
    for rows, log in logs.items():
        for name in csv_stages:
            result = run_child(name, log, args.sample, max_rss_gb=args.max_rss_gb, dask=dask) | {"log_rows": rows}
            print(result, flush=True)
            results.append(result)
    if "dask_parquet" in args.stages:
        for rows in args.parquet_rows:
            from research.scale.synth_parquet import DONE_FILE

            existed = (parquet_log_dir(rows, args.partition_rows) / DONE_FILE).exists()
            generation_began = time.perf_counter()  # not ``started``: that names the run
            folder = make_parquet_log_in_subprocess(rows, args.partition_rows)
            generated = None if existed else round(time.perf_counter() - generation_began, 1)
            result = run_child("dask_parquet", folder, args.sample, max_rss_gb=args.max_rss_gb, dask=dask) | {"log_rows": rows, "generate_s": generated}
            print(result, flush=True)
            results.append(result)
    if args.projection:
        for name in ("projection_sparse", "projection_networkx"):
            results.append(run_child(name, Path("."), 0))
            print(results[-1], flush=True)
    where = machine(load=False)
    for result in results:  # each measurement keeps the command, the run and the machine that made it
        result["command"] = f"make bench ARGS=\"{' '.join(sys.argv[1:])}\""
        result["run"] = started
        result["machine"] = where
    raw = HERE / "raw.jsonl"  # every measurement, so runs of different sizes can be combined
    older = [json.loads(l) for l in raw.read_text().splitlines() if l.strip()] if args.append and raw.exists() else []
    results = merged_rows(older, results)
    raw.write_text("".join(json.dumps(r) + "\n" for r in results))
    write_results(results, sys.argv[1:])


def _mb(r: dict) -> str:
    return f"{r['peak_tree_rss_mb']:,} | {r['peak_main_hwm_mb']:,} | {r['processes']}"


SCALING_STAGES = ("floor", "default", "duckdb", "polars")


def _run(result: dict) -> str:
    """Which run made a result: its start time, or (rows from before runs were stamped) its command."""
    return result.get("run") or f"before 1 Dec 2026: `{result.get('command', '?')}`"


def _letters() -> Iterator[str]:
    """A, B, … Z, AA, AB, …"""
    for width in itertools.count(1):
        for letters in itertools.product(string.ascii_uppercase, repeat=width):
            yield "".join(letters)


def run_labels(results: list[dict]) -> dict[str, str]:
    """A short label for each run: the one stored with its rows, else the next after the last stored.

    Labels are stored in ``raw.jsonl`` with the rows, so replacing an older run's rows never
    renames the other runs that notes and documents cite, and a new run never takes the label
    of a run whose rows were replaced.
    """
    labels = {_run(r): r["label"] for r in results if r.get("label")}
    last = max(labels.values(), key=lambda label: (len(label), label), default="")
    unused = itertools.dropwhile(lambda label: (len(label), label) <= (len(last), last), _letters())
    for run in dict.fromkeys(_run(r) for r in results):
        if run not in labels:
            labels[run] = next(unused)
    return labels


def merged_rows(older: list[dict], fresh: list[dict]) -> list[dict]:
    """Older rows that ``fresh`` does not replace (same log size and stage), then ``fresh``, each labelled.

    Labels are given before the replaced rows go, so a new run never takes the label of a run
    that the new rows replace.
    """
    labels = run_labels(older + fresh)
    replaced = {(r.get("log_rows"), r["stage"]) for r in fresh}
    rows = [r for r in older if (r.get("log_rows"), r["stage"]) not in replaced] + fresh
    return [r | {"label": labels[_run(r)]} for r in rows]


def scaling_table(logged: list[dict], labels: dict[str, str]) -> list[str]:
    """Time and memory against log size for each one-machine engine; draws ``scaling.png`` (log-log)."""
    sizes = sorted({r["log_rows"] for r in logged if r["stage"] in SCALING_STAGES and "error" not in r})
    if len(sizes) < 2:
        return []
    found = {(r["log_rows"], r["stage"]): r for r in logged if "error" not in r}
    lines = ["", "## Scaling: time and memory against log size (figure: `scaling.png`)", "",
             "Each cell: wall s / CPU s / main HWM MiB (run). Cells of different runs were measured under different loads.", "",
             "| stage | " + " | ".join(f"{n:,} rows" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for stage in SCALING_STAGES:
        cells = []
        for n in sizes:
            r = found.get((n, stage))
            cells.append(f"{r['wall_s']:.1f} / {r.get('cpu_s', '–')} / {r['peak_main_hwm_mb']:,} ({labels[_run(r)]})" if r else "not run")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for stage in SCALING_STAGES:
        points = [(n, found[(n, stage)]) for n in sizes if (n, stage) in found]
        if not points:
            continue
        timed = [(n, r["cpu_s"]) for n, r in points if r.get("cpu_s")]
        if timed:  # CPU seconds: wall times of runs under different loads do not line up
            time_axis.plot(*zip(*timed), marker="o", label=stage)
        memory_axis.plot([n for n, _ in points], [r["peak_main_hwm_mb"] for _, r in points], marker="o", label=stage)
    for axis, label in ((time_axis, "CPU seconds (user + system)"), (memory_axis, "peak memory of the stage's process, MiB")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("rows of the synthetic log")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    time_axis.set_title("CPU time: clean + funnel + status + network + Louvain", fontsize=9)
    memory_axis.set_title("memory (main process high-water mark)", fontsize=9)
    figure.suptitle("Synthetic takedown logs (synthetic, illustrative); one shared 2-core machine; runs listed in results.md", fontsize=9)
    figure.tight_layout()
    figure.savefig(HERE / "scaling.png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return lines


def write_results(results: list[dict], argv: list[str]) -> None:
    """``results.md``: generated tables, then the hand-written ``notes.md`` (analysis of the run)."""
    lines = ["# Benchmarks (tables generated by `benchmarks/run.py`; raw numbers in `raw.jsonl`)", "", f"Machine when these tables were written: {machine()}; each run below names its own where it was recorded.",
             "The machine is shared with other work while measuring; wall times include that contention.", "",
             "Rerun (the commands that made the rows below; `--append` keeps rows of other sizes and stages):", "",
             *[f"- `{command}`" for command in dict.fromkeys(r.get("command", f"make bench ARGS=\"{' '.join(argv)}\"") for r in results)], "",
             "Memory: each stage runs in a fresh `python benchmarks/run.py --child STAGE` process (logs are generated "
             "beforehand in separate processes). The parent samples `/proc/<pid>/status` every 0.2 s: *tree RSS* is the "
             "largest sum of `VmRSS` over the child and all its descendants (Dask nanny/worker processes included; a peak "
             "shorter than 0.2 s can be missed, shared pages are counted once per process); *main HWM* is the child's own "
             "`VmHWM` (kernel high-water mark). `ru_maxrss` is not used (it survives fork + exec).", "",
             "*CPU s* is user + system time of the stage's process and of every process it waited for (Dask workers "
             "excluded); on a shared machine it moves far less with the load than wall time. *Load* is the 1-minute "
             "load average when the stage started and ended (2 cores: above 2, the stage waited for a core).", "",
             "| log rows | stage | run | wall s | CPU s | load | peak tree RSS MiB | main HWM MiB | processes | × floor (wall) | × floor (CPU) | × naive (wall) | note |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    logged = [r for r in results if "log_rows" in r]
    labels = run_labels(results)
    for rows in sorted({r["log_rows"] for r in logged}):
        mine = {r["stage"]: r for r in logged if r["log_rows"] == rows}
        for name, r in mine.items():
            same_run = {k: v for k, v in mine.items() if _run(v) == _run(r)}  # ratios never mix runs
            floor = same_run.get("floor", {}).get("wall_s")
            naive = same_run.get("naive", {})
            naive_full = naive["wall_s"] * rows / naive["rows"] if naive.get("rows") else None
            if "error" in r:
                lines.append(f"| {rows:,} | {name} | {labels[_run(r)]} | – | – | – | – | – | – | – | – | – | failed: {r['error']} |")
                continue
            wall = naive_full if name == "naive" else r["wall_s"]
            note = f"**extrapolated** linearly from {naive['rows']:,} rows measured in {naive['wall_s']} s; memory is for the sample" if name == "naive" else f"{r.get('rows', 0):,} rows out" if r.get("rows") else ""
            if r.get("steps_s"):
                note += " (" + ", ".join(f"{k} {v} s" for k, v in r["steps_s"].items()) + ")"
            if r.get("reads"):
                note += "; the fastest of " + ", ".join(f"{w} s ({c} CPU s)" for w, c in r["reads"]) + " (reads in one process)"
            if name.startswith("dask") and r.get("partitions"):
                note += f" of {r['rows_in']:,} in, {r['partitions']} partition{'s' if r['partitions'] != 1 else ''}, {r['urls']:,} URLs, {r['domains']:,} domains, {r['edges']:,} co-hosting links; {r['workers']} workers × {r['worker_memory']}"
            if name == "dask_parquet":
                note += "; **synthetic Parquet log** generated in 1 chunk per partition" + (f" ({r['generate_s']:,} s, not included)" if r.get("generate_s") else "")
            x_floor = f"{wall / floor:.1f}" if floor and name != "dask_parquet" else "–"
            floor_cpu = same_run.get("floor", {}).get("cpu_s")
            x_cpu = f"{r['cpu_s'] / floor_cpu:.1f}" if floor_cpu and r.get("cpu_s") is not None and name not in ("dask_parquet", "naive") else "–"
            x_naive = f"{wall / naive_full:.2f}" if naive_full and name != "dask_parquet" else "–"
            cpu = f"{r['cpu_s']:.1f}" if r.get("cpu_s") is not None else "–"
            load = f"{r['load_start']}→{r['load_end']}" if "load_start" in r else "–"
            lines.append(f"| {rows:,} | {name} | {labels[_run(r)]} | {wall:.1f} | {cpu} | {load} | {_mb(r)} | {x_floor} | {x_cpu} | {x_naive} | {note} |")
    lines += ["", "Runs (ratios to the floor and to the naive path are taken within one run only):", ""]
    machines = {_run(r): r["machine"] for r in results if r.get("machine")}
    lines += [f"- **{label}**: {run}" + (f" ({machines[run]})" if run in machines else "") for run, label in sorted(labels.items(), key=lambda item: (len(item[1]), item[1]))]
    lines += scaling_table(logged, labels)
    projection = {r["stage"]: r for r in results if r["stage"].startswith("projection_")}
    if projection:
        lines += ["", "## Co-hosting projection on a 1M-edge bipartite graph (seeded random, Zipf domains)", "",
                  "| method | wall s | of which projection s | peak tree RSS MiB | main HWM MiB | processes | bipartite edges | projected edges |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, r in sorted(projection.items()):
            lines.append(f"| {name} | {r['wall_s']} | {r.get('project_s', '–')} | {_mb(r)} | {r['bipartite_edges']:,} | {r['projected_edges']:,} |" if "error" not in r else f"| {name} | – | – | – | – | – | – | failed: {r['error']} |")
        sparse, nxp = projection.get("projection_sparse", {}), projection.get("projection_networkx", {})
        if "wall_s" in sparse and "wall_s" in nxp:
            import pandas as pd

            files = [DATA / "projection_sparse.parquet", DATA / "projection_networkx.parquet"]
            same = pd.read_parquet(files[0]).astype(str).equals(pd.read_parquet(files[1]).astype(str)) if all(f.exists() for f in files) else None
            alone = f"; projection alone {nxp['project_s'] / sparse['project_s']:.0f}×" if sparse.get("project_s") and nxp.get("project_s") else ""
            lines.append(f"\nSpeed-up {nxp['wall_s'] / sparse['wall_s']:.0f}× whole stage (each including drawing its inputs){alone}; same edges and weights: {'yes' if same else 'NO' if same is False else 'not re-checked now (edge files of that run not in benchmarks/data)'}.")
    notes = HERE / "notes.md"
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    (HERE / "results.md").write_text("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
