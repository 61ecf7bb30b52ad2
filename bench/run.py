"""`make bench`: generate a national-scale dataset on PostgreSQL (ANALYZE after the load),
serve the portal with gunicorn (Redis as the cache, as in production) and load each key page
with wrk over loopback between two runs of a bare Django page, over several rounds. The
headline is CPU per request (web workers plus their PostgreSQL backends, from /proc) as a
ratio to the bare page's; req/s and p50 are shown beside it. Every page is checked for
status 200 and its content; queries are counted without Django's 9 000-entry cap; the first
request after a write (cold) is measured in process. Writes bench/LATEST.md and
bench/report-<timestamp>.md.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/samarbeid_bench;
a second database `<name>_small` holds the 1 % dataset), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/5, emptied at the start), BENCH_DURATION (seconds per page per round,
default 3), BENCH_ROUNDS (default 3), BENCH_SCALE (default 1.0).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TARGETS = {"ratio": 0.5, "cold_ratio": 0.2, "queries": 10, "scan_seconds": 0.3,
           "pdf_seconds": 0.5, "memory_mb": 150, "cold_report_seconds": 0.3}
# The cache is Redis as in production (a database of its own, emptied at the start).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=db_url, DEBUG="false", BENCH_VIEWS="true", REDIS_URL=REDIS_URL,
               ALLOWED_HOSTS="127.0.0.1,localhost,testserver", EMAIL_URL="dummymail://",
               LOG_LEVEL="WARNING", **extra)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _inproc(db_url: str, *args: str) -> dict[str, Any]:
    # In process the background refresh runs right after the write's commit (as a worker
    # would), so the first request after a write measures the page, not a missing worker.
    out = subprocess.run([PY, "-m", "bench.inproc", *args], cwd=ROOT,
                         env=_env(db_url, CELERY_TASK_ALWAYS_EAGER="true"),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bench.inproc {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _ensure_database(db_url: str, scale: float) -> dict[str, Any]:
    import psycopg

    u = urlparse(db_url)
    name = u.path.lstrip("/")
    admin = psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username,
                            password=u.password, dbname="postgres", autocommit=True)
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=_env(db_url),
                   check=True)
    result = _inproc(db_url, "generate", str(scale))
    # A bulk load leaves no statistics: without ANALYZE the planner guesses, and the
    # benchmark would measure plans production never runs.
    conn = psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username,
                           password=u.password, dbname=name, autocommit=True)
    conn.execute("ANALYZE")
    conn.close()
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(master_pid: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            pids.append(int(status.parent.name))
    return pids


def _backends(db_url: str) -> list[int]:
    import psycopg

    u = urlparse(db_url)
    with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username,
                         password=u.password, dbname="postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                            "pg_backend_pid()", [u.path.lstrip("/")]).fetchall()
    return [int(r[0]) for r in rows]


def _check(base: str, path: str, cookie: str | None, expected: str) -> None:
    """The page wrk will load answers 200 with its content (wrk counts a redirect to the
    login page as a success)."""
    import http.client

    u = urlparse(base)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    conn.close()
    if response.status != 200 or expected not in body:
        raise SystemExit(f"{path}: status {response.status}, expected text "
                         f"{expected!r} {'found' if expected in body else 'missing'}")


def _measure(base: str, path: str, cookie: str | None, duration: int, master: int,
             db_url: str) -> dict[str, float]:
    """wrk on one page, plus the CPU the web workers and their PostgreSQL backends spent on
    it, per request (steadier than req/s on a shared machine)."""
    before = {pid: _ticks(pid) for pid in _children(master) + _backends(db_url)}
    result = _wrk(base + path, cookie, duration)
    after = {pid: _ticks(pid) for pid in _children(master) + _backends(db_url)}
    ticks = sum(t - before.get(pid, 0) for pid, t in after.items())
    result["cpu_ms"] = ticks / CLK_TCK * 1000 / max(result["requests"], 1)
    return result


def _wrk(url: str, cookie: str | None, duration: int) -> dict[str, float]:
    cmd = ["wrk", "-t2", "-c4", f"-d{duration}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = float(p50.group(1)) * factor[p50.group(2)] if p50 else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {"rps": rps, "p50_ms": latency, "errors": float(non2xx.group(1)) if non2xx else 0.0,
            "requests": float(requests.group(1)) if requests else 0.0}


def _peak_rss_mb(master_pid: int) -> float:
    peak = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            hwm = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if hwm:
                peak = max(peak, int(hwm.group(1)) / 1024)
    return peak


def _commit() -> str:
    if os.environ.get("BENCH_COMMIT"):  # run from an exported copy of that commit
        return os.environ["BENCH_COMMIT"]
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                           text=True, check=False).stdout.strip()
    return f"{out or 'unknown'}{' + uncommitted changes' if dirty else ''}"


def main() -> None:
    import statistics

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (make bench installs it with apt-get)")
    db_url = os.environ.get("BENCH_DATABASE_URL",
                            "postgres://postgres@127.0.0.1:5432/samarbeid_bench")
    small_url = db_url + "_small"
    duration = int(os.environ.get("BENCH_DURATION", "3"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    load_before = os.getloadavg()

    print("generating datasets (first run only) …", flush=True)
    gen_big = _ensure_database(db_url, scale)
    gen_small = _ensure_database(small_url, scale / 100)
    _flush_redis()
    inproc_big = _inproc(db_url, "pages")
    pages_big = inproc_big["pages"]
    _flush_redis()
    pages_small = {p["label"]: p for p in _inproc(small_url, "pages")["pages"]}
    _flush_redis()

    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=_env(db_url, STATIC_MANIFEST="true"), check=True)
    port = _free_port()
    gunicorn = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=_env(db_url, STATIC_MANIFEST="true"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
            except Exception:
                time.sleep(0.2)
        for p in pages_big:
            _check(base, p["path"], p["cookie"], p["expected"])
        print(f"loading pages with wrk, {rounds} rounds, each page between two bare runs …",
              flush=True)
        runs: dict[str, list[dict[str, float]]] = {p["label"]: [] for p in pages_big}
        bares: list[dict[str, float]] = []
        for _ in range(rounds):
            previous = _measure(base, "/bench/bare/", None, duration, gunicorn.pid, db_url)
            bares.append(previous)
            for p in pages_big:
                result = _measure(base, p["path"], p["cookie"], duration, gunicorn.pid, db_url)
                following = _measure(base, "/bench/bare/", None, duration, gunicorn.pid, db_url)
                bares.append(following)
                bare_cpu = (previous["cpu_ms"] + following["cpu_ms"]) / 2
                bare_rps = (previous["rps"] + following["rps"]) / 2
                result["ratio"] = bare_cpu / max(result["cpu_ms"], 1e-9)
                result["rps_ratio"] = result["rps"] / bare_rps
                runs[p["label"]].append(result)
                previous = following
        for p in pages_big:
            _check(base, p["path"], p["cookie"], p["expected"])
        memory_pages = _peak_rss_mb(gunicorn.pid)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    def med(rows: list[dict[str, float]], key: str) -> float:
        return float(statistics.median(r[key] for r in rows))

    bare = {k: med(bares, k) for k in ("rps", "p50_ms", "cpu_ms")}
    load = []
    for p in pages_big:
        rows = runs[p["label"]]
        small = pages_small.get(p["label"], {})
        load.append({**p, **{k: med(rows, k) for k in ("rps", "p50_ms", "cpu_ms", "ratio",
                                                        "rps_ratio")},
                     "ratios": [round(r["ratio"], 3) for r in rows],
                     "errors": sum(r["errors"] for r in rows),
                     "queries_small": small.get("queries"), "sql_ms_small": small.get("sql_ms")})

    print("reminder scan and PDFs …", flush=True)
    scan_big = _inproc(db_url, "scan")["runs"]
    scan_small = _inproc(small_url, "scan")["runs"]
    pdfs = _inproc(db_url, "pdfs")
    report = _report(gen_big, gen_small, bare, load, memory_pages, scan_big, scan_small, pdfs,
                     duration, rounds=rounds, inproc_bare_ms=float(inproc_big["bare_ms"]),
                     load_before=load_before, load_after=os.getloadavg())
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    (ROOT / "bench" / f"report-{stamp}.md").write_text(report)
    (ROOT / "bench" / "LATEST.md").write_text(report)
    print(report)


def _ok(good: bool) -> str:
    return "met" if good else "**NOT met**"


def _report(gen_big: dict[str, Any], gen_small: dict[str, Any], bare: dict[str, float],
            load: list[dict[str, Any]], memory: float, scan_big: list[dict[str, Any]],
            scan_small: list[dict[str, Any]], pdfs: dict[str, Any], duration: int, *,
            rounds: int, inproc_bare_ms: float, load_before: tuple[float, float, float],
            load_after: tuple[float, float, float]) -> str:
    t = TARGETS
    lines = [
        f"# Benchmark report — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", "",
        f"Commit {_commit()}. Load average before {load_before[0]:.2f} / {load_before[1]:.2f} / "
        f"{load_before[2]:.2f}, after {load_after[0]:.2f} / {load_after[1]:.2f} / "
        f"{load_after[2]:.2f} ({os.cpu_count()} CPUs).", "",
        "Produced by `make bench` (bench/run.py): gunicorn with 2 sync workers on PostgreSQL "
        "(persistent connections, ANALYZE after the load), Redis as the cache, sessions as "
        f"single sign-on makes them; wrk 2 threads × 4 connections × {duration} s per page per "
        f"round, {rounds} rounds, every page run between two runs of the bare page. Every page "
        "is checked for status 200 and its content before and after the load.",
        "", "**Headline: CPU per request** (gunicorn workers plus their PostgreSQL backends, "
        "from /proc) of the bare page divided by the page's — the median over the rounds. "
        "req/s and p50 move with whatever else the machine runs; CPU per request barely does.",
        "", "## Dataset", "",
        f"- 100 %: {json.dumps(gen_big)}", f"- 1 %: {json.dumps(gen_small)}", "",
        "## Pages (warm)", "",
        f"Bare Django page (20 rows from a table): {bare['cpu_ms']:.2f} ms CPU per request, "
        f"{bare['rps']:.0f} req/s, p50 {bare['p50_ms']:.1f} ms.", "",
        "| page | CPU ms/req | **CPU ratio** (≥ 0.5) | ratios per round | req/s | req/s ratio | "
        "p50 ms | queries 100 % / 1 % (≤ 10, equal) | SQL ms 100 % / 1 % | status |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in load:
        good = (p["ratio"] >= t["ratio"] and p["queries"] <= t["queries"]
                and p["queries"] == p["queries_small"] and p["status"] == 200
                and p["content_ok"] and not p["errors"])
        lines.append(
            f"| {p['label']} (`{p['path']}`) | {p['cpu_ms']:.2f} | **{p['ratio']:.2f}** | "
            f"{', '.join(f'{r:.2f}' for r in p['ratios'])} | {p['rps']:.0f} | "
            f"{p['rps_ratio']:.2f} | {p['p50_ms']:.1f} | {p['queries']} / {p['queries_small']} | "
            f"{p['sql_ms']:.1f} / {p['sql_ms_small']:.1f} | {_ok(good)} |")
    lines += ["", "## Pages, first request after a write (cold, in process)", "",
              "A service writes, its work after commit has run (the compliance refresh a "
              "worker does in production; here Celery runs in process), then the page is "
              "requested once; median of 7, after three untimed writes and builds (a page's "
              "first builds in a process also plan its statements on the connection, which a "
              "worker does once per connection, not per write). Measured as the warm pages are, "
              "by CPU: the process's own (`time.process_time_ns`) plus its PostgreSQL "
              "backend's (`/proc/<pid>/schedstat`, nanoseconds), one request at a time; wall "
              "time beside it in brackets (it also counts the waits for Redis and PostgreSQL "
              "and whatever else the machine runs meanwhile). Bare page in process: "
              f"{inproc_bare_ms:.2f} ms CPU (median); each page's ratios divide by the bare "
              "page's CPU measured just before and after it (the machine's speed moves "
              "between pages).",
              "",
              "- *Not shown (own)*: a comment on a task in Stavanger, the pages' own "
              "municipality, which none of the pages shows (the task page does).",
              "- *Not shown (elsewhere)*: the same in a municipality of another police "
              "district.",
              "- *Shown (own)*: a task in Stavanger moves between open and in progress, which "
              "the home pages, my tasks, the council and meeting pages show, and which the "
              "municipality's findings are computed from.", "",
              "| page | warm CPU ms | not shown (own) CPU ms (wall) | ratio | queries | "
              "not shown (elsewhere) CPU ms (wall) | ratio | queries | shown (own) CPU ms "
              "(wall) | ratio | queries | ≥ 0.2 |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in load:
        worst = min(p["cold_ratio"], p["elsewhere_ratio"], p["shown_ratio"])
        lines.append(f"| {p['label']} | {p['warm_ms']:.1f} | "
                     f"{p['cold_ms']:.1f} ({p['cold_wall_ms']:.1f}) | "
                     f"{p['cold_ratio']:.2f} | {p['cold_queries']} | "
                     f"{p['elsewhere_ms']:.1f} ({p['elsewhere_wall_ms']:.1f}) | "
                     f"{p['elsewhere_ratio']:.2f} | {p['elsewhere_queries']} | "
                     f"{p['shown_ms']:.1f} ({p['shown_wall_ms']:.1f}) | "
                     f"{p['shown_ratio']:.2f} | {p['shown_queries']} | "
                     f"{_ok(worst >= t['cold_ratio'])} |")
    report = next((p for p in load if p["label"] == "national report"), None)
    if report:
        worst = max(report["cold_wall_ms"], report["elsewhere_wall_ms"],
                    report.get("rebuilt_ms") or 0) / 1000
        lines.append(f"\nCold national report (the slowest of the two cold paths and of the "
                     f"page built again after the findings changed: "
                     f"{report.get('rebuilt_ms')} ms, {report.get('rebuilt_queries')} "
                     f"queries): {worst:.2f} s (target ≤ {t['cold_report_seconds']} s) — "
                     f"{_ok(worst <= t['cold_report_seconds'])}.")
    lines += ["", f"## Reminder scan (target ≤ {t['scan_seconds']} s steady state, flat in the "
              "number of open tasks)", "",
              "| run | CPU s 100 % | CPU s 1 % | wall s 100 % | wall s 1 % | queries 100 % | "
              "queries 1 % | sent 100 % |", "|---|---|---|---|---|---|---|---|"]
    for i, (big, small) in enumerate(zip(scan_big, scan_small, strict=True), 1):
        lines.append(f"| {i} | {big.get('cpu_seconds')} | {small.get('cpu_seconds')} | "
                     f"{big['seconds']} | {small['seconds']} | {big['queries']} | "
                     f"{small['queries']} | {big['sent']} |")
    steady = scan_big[-1]
    lines.append(f"\nSteady-state scan (run 2): {steady.get('cpu_seconds')} s CPU — "
                 f"{_ok(steady.get('cpu_seconds', steady['seconds']) <= t['scan_seconds'])}.")
    minutes = pdfs["minutes"]
    lines += ["", f"## PDF render times (warm, CPU seconds, median of 5; target < {t['pdf_seconds']} s)", "",
              "A version's first download renders and stores the PDF; later downloads read the "
              f"stored file. Fonts subset by: {pdfs.get('font_subsetting', '?')}.", "",
              f"- Agreement ({pdfs['agreement']['pages']} pages): {pdfs['agreement']['seconds']} s — "
              f"{_ok(pdfs['agreement']['seconds'] < t['pdf_seconds'])}",
              f"- Minutes, 30 agenda items and 50 tasks ({minutes['pages']} pages): "
              f"{minutes['seconds']} s — {_ok(minutes['seconds'] < t['pdf_seconds'])} "
              f"(stored, later downloads: {minutes.get('stored_seconds', '?')} s)",
              "", "## Memory", "",
              f"Peak RSS of a gunicorn web worker after the page load: {memory:.0f} MB "
              f"(target < {t['memory_mb']} MB; PDFs are rendered in process, not in the "
              f"workers) — {_ok(memory < t['memory_mb'])}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
