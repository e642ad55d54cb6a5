"""Privacy by construction: private logs stay out of git, keys are required, nothing uses the network."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pytest_socket import SocketBlockedError, disable_socket, enable_socket, socket_allow_hosts

from research.clean.pseudonyms import DEMO_KEY, load_key
from research.clean.takedowns import clean_takedown_log
from research.config import DEFAULT_ROOT, HMAC_KEY_ENV
from research.config import paths as project_paths
from research.errors import PrivacyError
from research.pipeline import run_pipeline

LOOPBACK = ["127.0.0.1", "::1", "localhost"]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=DEFAULT_ROOT, capture_output=True, text=True)


def test_git_tracks_nothing_under_data_raw_private():
    listed = _git("ls-files", "--", "data/raw/private")
    assert listed.returncode == 0 and listed.stdout == ""


def test_git_ignores_a_file_placed_in_data_raw_private():
    private = DEFAULT_ROOT / "data" / "raw" / "private"
    created_dir = not private.exists()
    private.mkdir(parents=True, exist_ok=True)
    probe = private / f"probe-{uuid.uuid4().hex}.csv"
    probe.write_text("url\nhttps://example.com/secret\n")
    try:
        assert _git("check-ignore", "-q", str(probe.relative_to(DEFAULT_ROOT))).returncode == 0
        assert _git("status", "--porcelain", "--", "data/raw/private").stdout == ""
    finally:
        probe.unlink()
        if created_dir:
            private.rmdir()


def _hooks() -> dict[str, dict]:
    config = yaml.safe_load((DEFAULT_ROOT / ".pre-commit-config.yaml").read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


@pytest.mark.parametrize(
    "path, refused",
    [("data/raw/private/police_export.csv", True), ("data/raw/private/sub/log.xlsx", True),
     ("data/raw/figures.csv", False), ("docs/private/data/raw.md", False)],
)
def test_pre_commit_refuses_private_files(path, refused):
    hook = _hooks()["refuse-private-data"]
    assert hook["language"] == "fail"
    assert bool(re.search(hook["files"], path)) is refused


def test_pre_commit_strips_and_refuses_notebook_outputs():
    hooks = _hooks()
    assert "nbstripout" in hooks
    assert re.search(hooks["refuse-notebook-outputs"]["files"], "notebooks/01_case_trends.ipynb")
    assert "audit notebooks" in hooks["refuse-notebook-outputs"]["entry"]
    assert re.search(hooks["refuse-key-files"]["files"], "hmac.key") and re.search(hooks["refuse-key-files"]["files"], ".env")


def test_committed_notebooks_carry_no_outputs():
    from research.audit.notebooks import notebook_output_findings

    tracked = [DEFAULT_ROOT / p for p in _git("ls-files", "*.ipynb").stdout.split()]
    assert notebook_output_findings(tracked).empty


def test_a_missing_key_for_real_data_is_a_privacy_error(monkeypatch, tmp_path):
    monkeypatch.delenv(HMAC_KEY_ENV, raising=False)
    with pytest.raises(PrivacyError, match=HMAC_KEY_ENV):
        load_key(key_file=tmp_path / "absent.key")
    monkeypatch.setenv(HMAC_KEY_ENV, DEMO_KEY.decode())
    with pytest.raises(PrivacyError, match="demo key"):
        load_key()
    monkeypatch.setenv(HMAC_KEY_ENV, "short")
    with pytest.raises(PrivacyError, match="16 bytes"):
        load_key()


@pytest.fixture
def no_network():
    """Block every Python socket for the duration of a test."""
    disable_socket(allow_unix_socket=False)
    try:
        yield
    finally:
        enable_socket()


def test_the_guard_really_blocks_sockets(no_network):
    import socket

    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def _small_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "request_id": ["R1", "R1", "R2", "R3"],
            "content_id": ["C1", "C1", "C2", "C2"],
            "url": ["https://www.Site-A.com/v/1?utm_source=x", "http://mirror.co.jp/a", "https://例え.jp/パス", "not a url"],
            "requested_at": ["2024-01-02", "2024-01-02", "2024-02-01", "2024-02-01"],
            "checked_at": ["2024-01-09", "2024-01-09", "2024-02-03", "2024-02-03"],
            "outcome": ["削除済み", "게시중", "dihapus", "removed"],
        },
        dtype="string",
    )


def test_cleaning_takedowns_and_networks_run_with_sockets_disabled(no_network):
    from research.clean.numbers import parse_number
    from research.clean.periods import parse_period
    from research.clean.urls import normalise_urls
    from research.networks.build import build_network
    from research.takedowns.funnel import funnel_tables
    from research.takedowns.seeds import FILE_STATUSES
    from research.takedowns.synth import synth_log

    assert parse_number("1천202").value == 1202
    assert parse_period("2024-01-01/2024-12-31").start.year == 2024
    assert normalise_urls(pd.Series(["https://例え.jp/x"], dtype="string"))["domain"].iloc[0] == "xn--r8jz45g.jp"
    small = clean_takedown_log(_small_log(), key=DEMO_KEY, synthetic=True)
    assert len(small.table) + small.quarantine["row_number"].nunique() == 4
    assert set(small.table["domain"]) == {"site-a.com", "mirror.co.jp", "xn--r8jz45g.jp"}
    log = synth_log(dict(zip(FILE_STATUSES, [120, 20, 50, 5])), seed=1)
    cleaned = clean_takedown_log(log.drop(columns="synthetic"), key=DEMO_KEY, synthetic=True)
    assert len(cleaned.table) + cleaned.quarantine["row_number"].nunique() == len(log)
    assert not funnel_tables(cleaned.table).empty
    assert not build_network(cleaned.table, bootstrap_replicates=20).nodes.empty


_GUARD = textwrap.dedent(
    '''
    """Installed through PYTHONPATH into every Python process of the test (notebook kernels too)."""
    import os, socket

    _LOG = os.environ["RESEARCH_NETWORK_GUARD_LOG"]
    _LOCAL = {"127.0.0.1", "::1", "localhost", "", None}

    def _refuse(what):
        with open(_LOG, "a") as log:
            log.write(what + "\\n")
        raise OSError("network access attempted during the no-network test: " + what)

    _connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
            _refuse(f"connect {address[0]}")
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
            _refuse(f"connect {address[0]}")
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in _LOCAL:
            _refuse(f"resolve {host}")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
    '''
)


#: Run in a child process: build the project at ``argv[1]`` from scratch, as a second clone would, with
#: independent stages at the same time (as ``research reproduce`` does); the first build runs them
#: one at a time, so the byte comparison also covers the parallel runner.
_CLONE_BUILD = (
    "import sys; from pathlib import Path; from research.config import paths; from research.pipeline import run_pipeline; "
    "print(' '.join(f'{r.name}:{r.status}' for r in run_pipeline(paths(Path(sys.argv[1])), force=True, progress=False, jobs=2)))"
)


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    """``run_pipeline`` once on a copy of ``data/raw`` with the network refused; shared by the tests below.

    In this process pytest-socket refuses any host but loopback (notebook kernels talk to their
    client over loopback). Child processes — notebook kernels — get the same rule from a
    ``sitecustomize`` on ``PYTHONPATH`` that logs and refuses any other connection or DNS lookup.
    At the same time a child process builds a second copy in another folder (``clone``), as
    another clone of the repository would; its files are compared byte for byte below.
    """
    import research

    tmp_path = tmp_path_factory.mktemp("offline")
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(_GUARD)
    log = tmp_path / "network.log"
    log.write_text("")
    root, clone = tmp_path / "project", tmp_path / "elsewhere" / "clone"
    for target in (root, clone):
        shutil.copytree(DEFAULT_ROOT / "data" / "raw", target / "data" / "raw", ignore=shutil.ignore_patterns("private"))
        shutil.copytree(DEFAULT_ROOT / "notebooks", target / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    import socket

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PYTHONPATH", f"{guard}")
        monkeypatch.setenv("RESEARCH_NETWORK_GUARD_LOG", str(log))
        monkeypatch.delenv(HMAC_KEY_ENV, raising=False)

        def run(**options):
            true_connect = socket.socket.connect
            socket_allow_hosts(LOOPBACK, allow_unix_socket=True)
            try:
                return run_pipeline(project_paths(root), progress=False, **options)
            finally:
                enable_socket()
                socket.socket.connect = true_connect

        source = str(Path(research.__file__).resolve().parents[1])  # the code under test, in the child too
        twin = subprocess.Popen([sys.executable, "-c", _CLONE_BUILD, str(clone)], env={**os.environ, "PYTHONPATH": f"{guard}{os.pathsep}{source}"},
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            results = run(force=True)
        finally:
            twin_output, _ = twin.communicate(timeout=3600)
        yield {"root": root, "log": log, "results": results, "run": run, "clone": clone, "clone_status": (twin.returncode, twin_output)}


def _digests(root) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("data/processed", "reports")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_the_whole_pipeline_runs_without_network(offline_build):
    root, log, results = offline_build["root"], offline_build["log"], offline_build["results"]
    assert [r.name for r in results][-1] == "audit"
    assert all(r.status == "built" for r in results)
    assert log.read_text() == ""
    assert (root / "reports" / "audit" / "export_findings.csv").read_text() == "file,line,row,column,kind,excerpt\n"
    # The guard itself works in a child process (so a silent log above means something).
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('example.org', 80)"], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(log.parent / "guard"), "RESEARCH_NETWORK_GUARD_LOG": str(log)})
    assert probe.returncode != 0 and "resolve example.org" in log.read_text()


@pytest.mark.slow
def test_a_second_reproduce_is_a_no_op(offline_build):
    before = _digests(offline_build["root"])
    again = offline_build["run"]()
    assert {r.name: r.status for r in again} == {r.name: "skipped" for r in again}
    assert _digests(offline_build["root"]) == before


@pytest.mark.slow
def test_a_build_in_another_clone_gives_byte_identical_files(offline_build):
    """The same inputs give the same bytes in another folder, with stages one at a time or two at once:
    no absolute path, clock, scheduling or run-dependent value leaks in."""
    returncode, output = offline_build["clone_status"]
    assert returncode == 0, output[-3000:]
    assert output.strip().splitlines()[-1].split() == [f"{r.name}:built" for r in offline_build["results"]]
    here, there = _digests(offline_build["root"]), _digests(offline_build["clone"])
    assert any(name.startswith("data/processed/counts") for name in here)
    changed = sorted(name for name in here.keys() | there.keys() if here.get(name) != there.get(name))
    assert not changed, f"files that differ between the two clones: {changed[:10]}"


# The report that the offline build wrote, checked as readers get it (issue: a bulletin in four languages).
# These use the same build as the tests above, so the pipeline runs once for all of them.


@pytest.mark.slow
def test_the_reproduced_bulletin_is_short_real_and_in_its_language(offline_build):
    from research.report.build import LANGUAGES, MAX_MAIN_FIGURES, page_name
    from research.report.mainpoints import MAX_MAIN_POINTS
    from tests.report.chromium import prose_words

    reports = offline_build["root"] / "reports"
    english = {line.strip() for line in (reports / "report.md").read_text(encoding="utf-8").splitlines() if line.strip()}
    for lang in LANGUAGES:
        for page in ("report", "demo", "appendix"):
            assert (reports / page_name(page, lang)).exists(), page_name(page, lang)
        page = (reports / page_name("report", lang)).read_text(encoding="utf-8")
        points = re.findall(r'<li id="point-', page)
        assert 1 <= len(points) <= MAX_MAIN_POINTS
        assert 1 <= page.count("<figure") <= MAX_MAIN_FIGURES
        assert prose_words(page) <= 2500, (lang, prose_words(page))
        assert 'class="synthetic"' not in page and "SYNTHETIC" not in page  # the demonstration page holds every synthetic number
        drawings = re.findall(r'data-svg="([^"]+)"', page)
        assert drawings and len(drawings) == page.count("<figure")
        if lang != "en":
            # Each language page embeds its own language's drawings, never the English ones.
            assert all(f"/{lang}/" in svg for svg in drawings), drawings
            lines = [line.strip() for line in (reports / page_name("report", lang, "md")).read_text(encoding="utf-8").splitlines() if line.strip()]
            # Lines with no word in them (table rules, bare numbers) may repeat; of the others, only the
            # language switcher (names of languages) and words the languages share, such as "Global".
            same = [line for line in lines if line in english and re.search(r"[^\W\d_]{2,}", line)]
            assert len(same) <= 3, same


@pytest.mark.slow
def test_the_reproduced_report_in_chromium(offline_build):
    """Every language's bulletin, demonstration and appendix pages in headless Chromium, at 1280 and 390 px.

    Screenshots of each bulletin at both widths go to ``reports/screenshots/`` of this repository.
    """
    from research.report.build import LANGUAGES, page_name
    from tests.report.chromium import WIDTHS, check_page, chromium, open_page

    reports = offline_build["root"] / "reports"
    shots = DEFAULT_ROOT / "reports" / "screenshots"
    with chromium() as browser:
        for lang in LANGUAGES:
            for width in WIDTHS:
                report = reports / page_name("report", lang)
                shot = shots / f"report.{lang}.{width}.png"
                facts = open_page(browser, report, width, screenshot=shot)
                check_page(facts, report, lang, width, LANGUAGES)
                assert shot.stat().st_size > 50_000
                demo = reports / page_name("demo", lang)
                check_page(open_page(browser, demo, width), demo, lang, width, LANGUAGES)  # its figures drawn in lang too
                page = reports / page_name("appendix", lang)  # (the demonstration page had the full check just above)
                facts = open_page(browser, page, width)
                assert facts.scroll_width <= width, f"{page.name} at {width}px scrolls sideways ({facts.scroll_width}px)"
                assert facts.outside == [] and facts.html_lang == lang
                assert {code for code, _ in facts.switcher} == set(LANGUAGES)
                assert all(complete and natural > 0 for complete, natural, _ in facts.images), facts.images


@pytest.mark.slow
def test_every_file_the_pipeline_writes_is_declared_in_the_catalogue(offline_build):
    """Every table, page and figure of a whole build belongs to exactly one catalogue entry (its
    twins and sidecars included), so nothing is published that the catalogue does not describe."""
    from research import catalogue

    root = offline_build["root"]
    written = [name for name in _digests(root) if "/.stamps/" not in f"/{name}" and not name.rsplit("/", 1)[-1].startswith(".")]
    assert len(written) > 100  # the runner's own bookkeeping (stage stamps, figure caches) left out
    undeclared = [name for name in written if catalogue.entry_for(name) is None]  # ValueError if declared twice
    assert not undeclared, f"{len(undeclared)} files no catalogue entry declares, e.g. {undeclared[:15]}"
    stages = {catalogue.entry_for(name).stage for name in written}
    assert stages >= {"counts", "trends", "takedowns", "networks", "notebooks", "report", "audit"}
