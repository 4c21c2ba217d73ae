"""Database backup and restore for SQLite (the online backup API) and PostgreSQL (pg_dump/pg_restore)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(RuntimeError):
    pass


def _database(alias: str = "default") -> dict:
    return connections[alias].settings_dict


def default_backup_path(alias: str = "default") -> Path:
    vendor = connections[alias].vendor
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if vendor == "sqlite" else "dump"
    return Path(settings.VAR_DIR) / "backups" / f"vanke_crm-{stamp}.{suffix}"


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return path


def backup(target: Path, alias: str = "default") -> Path:
    db, vendor = _database(alias), connections[alias].vendor
    target.parent.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
        source.close()
    elif vendor == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                *_pg_args(db),
                db["NAME"],
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return target


def restore(source: Path, alias: str = "default") -> None:
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    db, vendor = _database(alias), connections[alias].vendor
    connections[alias].close()
    if vendor == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(db["NAME"])
        with live:
            backup_db.backup(live)
        live.close()
        backup_db.close()
    elif vendor == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                db["NAME"],
                *_pg_args(db),
                str(source),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"Restores of {vendor} databases are not supported.")
