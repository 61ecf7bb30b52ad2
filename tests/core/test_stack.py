"""The real moving parts: a Celery worker against Redis, and the production compose file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_a_real_celery_worker_runs_a_task_through_redis() -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set (CI sets it and fails without Redis)")
    from celery import Celery

    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    queue = f"test-{os.getpid()}-{time.time_ns()}"  # a queue of its own: no backlog ahead of us
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--concurrency=1", "-l", "warning", "-Q", queue, "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        client = Celery(broker=redis_url, backend=redis_url)
        result = client.send_task("samarbeid.tasks.ping", args=["hei"], queue=queue)
        assert result.get(timeout=180) == "pong:hei"  # the worker boots Django first
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_docker_compose_file_is_valid() -> None:
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is needed to validate the compose file (make system-deps)"
    env = {**os.environ, "SECRET_KEY": "x" * 50}
    result = subprocess.run([compose, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    text = (ROOT / "docker-compose.yml").read_text()
    for service in ("web:", "worker:", "beat:", "postgres:", "redis:", "mail:", "migrate:"):
        assert service in text
    # Scaling web out must not run migrations in every replica: one service migrates, and
    # web, worker and beat wait until it has finished.
    config = subprocess.run([compose, "-f", str(ROOT / "docker-compose.yml"), "config"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60).stdout
    web = config.split("\n  web:", 1)[1].split("\n  worker:", 1)[0]
    assert "migrate" not in web.split("command:", 1)[1].split("\n", 1)[0]
    assert "service_completed_successfully" in web


def test_check_deploy_with_production_settings_reports_nothing() -> None:
    env = {**os.environ, "HTTPS": "true", "DEBUG": "false",
           "SECRET_KEY": "k8#Jd92!xPq$7vLm3@Zr5^Tn1&Wb6*Yc4(Hs0)Gf-Ue_Ai+Oo=Ek",
           "ALLOWED_HOSTS": "samarbeid.example.no", "STATIC_MANIFEST": "true"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                             "WARNING"], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

