"""Real concurrency for the tests (reliability.md rule 4): callables released together by a
barrier, each on its own thread and database connection."""

import threading

from django.db import connections

from maillage.billing.errors import BillingError
from maillage.booking.errors import BookingError


def race(calls) -> list[tuple]:
    """Each call's outcome: ("ok", result), (status, French message) for a refusal, or
    ("crash", repr) for anything else."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except (BookingError, BillingError) as error:
            results[index] = (error.status, error.message)
        except Exception as error:
            results[index] = ("crash", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
