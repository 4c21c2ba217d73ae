from unittest import mock

from django.db import OperationalError
from kombu import Connection

from core.services import WORKER, heartbeat_record
from vanke_crm.celery import app as celery_app


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    assert body["failed"] == []
    assert body["worker"]["running"] is False


def test_worker_heartbeat_is_reported(client, db):
    heartbeat_record(component=WORKER)
    assert client.get("/healthz").json()["worker"]["running"] is True


def test_database_down_is_503_naming_the_database(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["worker"] is None


def test_broker_down_is_503_naming_the_broker(client, db):
    unreachable = Connection("redis://127.0.0.1:1/0")
    with mock.patch.object(celery_app, "connection_for_write", return_value=unreachable):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
