"""A real Celery worker process, on the configured broker and database, runs a real task."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection

from core.models import Heartbeat
from core.services import WORKER
from core.tasks import heartbeat

pytestmark = pytest.mark.worker


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def broker(tmp_path):
    """A producer connection and the environment that points a worker at the same broker."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # A private folder, so that a `make run` worker on this machine cannot take the task.
        env["VAR_DIR"] = str(tmp_path)
        queue_dir = tmp_path / "broker" / "queue"
        queue_dir.mkdir(parents=True)
        options = {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "control_folder": str(tmp_path / "broker" / "control"),
        }
        return Connection("filesystem://", transport_options=options), env
    return Connection(settings.CELERY_BROKER_URL), env


def test_worker_runs_the_heartbeat_task_and_writes_to_the_database(transactional_db, broker):
    producer, env = broker
    queue = f"test-{uuid.uuid4().hex[:8]}"
    connection.close()  # the worker writes to the same database; hold no connection open meanwhile
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vanke_crm",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with producer:
            heartbeat.apply_async(queue=queue, connection=producer)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if Heartbeat.objects.filter(component=WORKER).exists():
                break
            connection.close()
            time.sleep(0.5)
        assert Heartbeat.objects.filter(component=WORKER).exists(), "the worker never ran the task"
    finally:
        worker.terminate()
        output, _unused = worker.communicate(timeout=30)
    assert "core.tasks.heartbeat" in output
