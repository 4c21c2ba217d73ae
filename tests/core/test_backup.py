"""Backup and restore round trip on the configured database (SQLite or PostgreSQL)."""

import shutil

import pytest
from django.core.management import call_command
from django.db import connection

from customers.models import Customer
from organization.models import Unit
from tests.factories import CustomerFactory, UnitFactory


def counts():
    return {"customers": Customer.objects.count(), "units": Unit.objects.count()}


def test_backup_and_restore_give_back_identical_row_counts(transactional_db, tmp_path, company_a):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    for _ in range(3):
        UnitFactory(building__project__company=company_a)
        CustomerFactory(company=company_a)
    before = counts()
    target = tmp_path / "backup.bin"
    call_command("backup", output=target)
    assert target.stat().st_size > 0

    Customer.objects.all().delete()
    CustomerFactory()
    assert counts() != before

    call_command("restore", str(target), yes=True)
    assert counts() == before


def test_restore_of_a_missing_file_fails_cleanly(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "nope"), yes=True)
