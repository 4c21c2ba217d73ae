"""Throughput over HTTP: gunicorn (4 workers, DEBUG off, production settings) on PostgreSQL, driven by
8 concurrent clients (httpx + asyncio) for a fixed time each after a warm-up, in turns (five rounds
of the four cases, so that background load falls on all of them alike):
- complaint intake (POST /api/v1/complaints/ with the integrator's token);
- the complaint list's first page (GET /api/v1/complaints/);
- the bare reference endpoints through the same stack (core.bench_api, mounted by BENCH_ENDPOINTS=1):
  one INSERT, one SELECT by primary key.
Prints req/s, P50/P99 and the ratios intake / bare INSERT (goal >= 0.3) and list / bare SELECT
(goal >= 0.5). On SQLite it says it needs PostgreSQL and skips.
"""

import asyncio
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from rest_framework.authtoken.models import Token

from bench.common import COMPLAINT_LIST_URL, Sizes, grow_to, vacuum
from complaints import demo
from complaints.models import Complaint
from core.models import BenchRow
from organization.models import Project

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
WORKERS = 4
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
WARM_UP_SECONDS = 2.0
ROUNDS = 5  # each case runs SECONDS in all, in this many turns
COMPLAINTS = int(os.environ.get("BENCH_HTTP_COMPLAINTS", "50000"))
GOALS = {"intake / bare INSERT": 0.3, "list / bare SELECT": 0.5}


def quiet_httpx() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        # Plain HTTP on the loopback: no proxy in front to end TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "BENCH_ENDPOINTS": "1",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null", "vanke_crm.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)  # a graceful shutdown: workers finish their requests
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def load(base: str, token: str, case: dict, seconds: float) -> list[float]:
    """CLIENTS clients sending ``case``'s request back to back for ``seconds``; each one's latency (ms)."""
    import httpx

    headers = {"Authorization": f"Token {token}"}
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await http.request(case["method"], case["url"], json=case.get("json"))
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != case["status"]:
                    raise RuntimeError(f"{case['url']}: {response.status_code} {response.text[:300]}")
                latencies.append(elapsed)

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(sizes: Sizes) -> dict:
    if connection.vendor != "postgresql":
        return {"skipped": f"needs PostgreSQL (DATABASE_URL); the database is {connection.vendor}"}
    if Complaint.objects.count() < COMPLAINTS:
        grow_to(COMPLAINTS, Complaint, demo.generate_complaints, "complaints")
    vacuum()
    project = Project.objects.filter(company__name="深圳万科").order_by("pk").first()
    token = Token.objects.get(user__username="integrator").key
    row = BenchRow.objects.create(label="bench")
    cases = {
        "intake (POST)": {
            "method": "POST",
            "url": COMPLAINT_LIST_URL,
            "status": 201,
            "json": {
                "project": project.pk,
                "channel": "hotline",
                "category": "construction",
                "title": "卫生间渗漏水",
                "description": "楼上卫生间渗水",
                "complainant_count": 1,
                "litigation": "none",
                "media": "none",
            },
        },
        "bare INSERT": {"method": "POST", "url": "/api/v1/bench/insert/", "status": 201},
        "list first page (GET)": {
            "method": "GET",
            "url": f"{COMPLAINT_LIST_URL}?page_size=50",
            "status": 200,
        },
        "bare SELECT": {"method": "GET", "url": f"/api/v1/bench/select/{row.pk}/", "status": 200},
    }
    quiet_httpx()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    connection.close()  # the server's workers take the connections from here
    server = start_gunicorn(port)
    latencies: dict[str, list[float]] = {name: [] for name in cases}
    try:
        wait_healthy(base, server)
        for case in cases.values():
            asyncio.run(load(base, token, case, WARM_UP_SECONDS))
        # The cases take turns in short rounds, so that whatever else the machine does weighs on
        # each of them alike and the ratios compare like with like.
        for _round in range(ROUNDS):
            for name, case in cases.items():
                latencies[name] += asyncio.run(load(base, token, case, SECONDS / ROUNDS))
        results = {
            name: (len(values) / SECONDS, percentile(values, 0.5), percentile(values, 0.99), len(values))
            for name, values in latencies.items()
        }
    finally:
        stop_gunicorn(server)
    intake_queries = count_intake_queries(cases["intake (POST)"]["json"])
    return {"results": results, "intake_queries": intake_queries}


def count_intake_queries(body: dict) -> int:
    from django.test.utils import CaptureQueriesContext

    from bench.common import client_for

    client = client_for("integrator")
    with CaptureQueriesContext(connection) as queries:
        assert client.post(COMPLAINT_LIST_URL, body, format="json").status_code == 201
    return len(queries)


def report(figures: dict, sizes: Sizes) -> list[str]:
    print(
        f"\nHTTP: gunicorn ({WORKERS} workers, DEBUG off), {CLIENTS} concurrent clients, {SECONDS:.0f} s each"
    )
    if "skipped" in figures:
        print(f"  skipped: {figures['skipped']}")
        return []
    results = figures["results"]
    print(f"  {'case':<28}{'req/s':>10}{'P50 ms':>10}{'P99 ms':>10}{'requests':>10}")
    for name, (rate, p50, p99, count) in results.items():
        print(f"  {name:<28}{rate:>10.0f}{p50:>10.1f}{p99:>10.1f}{count:>10,}")
    ratios = {
        "intake / bare INSERT": results["intake (POST)"][0] / results["bare INSERT"][0],
        "list / bare SELECT": results["list first page (GET)"][0] / results["bare SELECT"][0],
    }
    for name, ratio in ratios.items():
        goal = GOALS[name]
        flag = "" if ratio >= goal else "  (below the goal)"
        print(f"  ratio {name}: {ratio:.2f} (goal >= {goal}){flag}")
    print(f"  SQL queries per intake: {figures['intake_queries']}")
    return []
