"""The embedded database must let concurrent writers wait for each other instead of failing."""

import threading

import pytest
from django.db import connection, connections, transaction

from maillage.territory.models import ReferenceLoad


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific settings; PostgreSQL runs this file's concurrency test")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.transaction_mode == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_concurrent_read_then_write_transactions_all_succeed():
    writers = 12
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                # Read first, then write: on SQLite in DEFERRED mode this lock upgrade fails with
                # "database is locked" under contention; IMMEDIATE makes the writers queue.
                seen = ReferenceLoad.objects.filter(source="test").count()
                ReferenceLoad.objects.create(
                    source="test", source_version=str(n), counts={"seen": seen}
                )
        except BaseException as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = ReferenceLoad.objects.filter(source="test")
    assert rows.count() == writers
    if connection.vendor == "sqlite":
        # Serialised writers: each saw a different number of earlier rows.
        assert sorted(r.counts["seen"] for r in rows) == list(range(writers))
