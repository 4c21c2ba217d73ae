import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


def heartbeat_record(*, component: str, at: datetime | None = None) -> Heartbeat:
    heartbeat, _created = Heartbeat.objects.update_or_create(
        component=component,
        defaults={"beat_at": at or timezone.now(), "hostname": socket.gethostname()},
    )
    return heartbeat


@dataclass(frozen=True)
class WorkerStatus:
    last_beat_at: datetime | None
    hostname: str

    @property
    def running(self) -> bool:
        if self.last_beat_at is None:
            return False
        return timezone.now() - self.last_beat_at < timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS)


def worker_status() -> WorkerStatus:
    heartbeat = Heartbeat.objects.filter(component=WORKER).first()
    if heartbeat is None:
        return WorkerStatus(last_beat_at=None, hostname="")
    return WorkerStatus(last_beat_at=heartbeat.beat_at, hostname=heartbeat.hostname)
