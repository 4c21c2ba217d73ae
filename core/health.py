import logging
import os

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vanke_crm.celery import app as celery_app

from .services import worker_status

logger = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return False


def broker_reachable() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
            if conn.transport_cls == "filesystem":
                folder = conn.transport_options["data_folder_out"]
                return os.path.isdir(folder) and os.access(folder, os.W_OK)
        return True
    except Exception:  # any transport error means "unreachable"; the log keeps the detail
        logger.exception("Health check: broker unreachable")
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_reachable(), "broker": broker_reachable()}
    worker = worker_status() if checks["database"] else None
    body = {
        "status": "ok" if all(checks.values()) else "unavailable",
        "checks": {name: "ok" if passed else "unreachable" for name, passed in checks.items()},
        "failed": [name for name, passed in checks.items() if not passed],
        # The worker is reported, not required: a web process must stay in rotation while workers restart.
        "worker": None
        if worker is None
        else {
            "running": worker.running,
            "last_beat_at": worker.last_beat_at.isoformat() if worker.last_beat_at else None,
            "stale_after_seconds": settings.HEARTBEAT_STALE_SECONDS,
        },
    }
    return JsonResponse(body, status=200 if not body["failed"] else 503)
