"""The JSON log formatter writes one valid JSON object per record, with the `extra` fields."""

import json
import logging
import sys

from maillage.core.logging import JsonFormatter


def test_json_formatter_writes_the_fields():
    record = logging.LogRecord(
        "maillage.audit.services",
        logging.INFO,
        "services.py",
        42,
        "%s %s",
        ("place.update", "Café"),
        None,
    )
    record.actor_id = 7
    record.object_id = "abc"

    entry = json.loads(JsonFormatter().format(record))

    assert entry.pop("time").endswith("+00:00")
    assert entry == {
        "level": "INFO",
        "logger": "maillage.audit.services",
        "message": "place.update Café",
        "actor_id": 7,
        "object_id": "abc",
    }


def test_json_formatter_keeps_the_exception_on_one_line():
    try:
        raise ValueError("valeur « x » refusée")
    except ValueError:
        record = logging.LogRecord(
            "maillage", logging.ERROR, "f.py", 1, "échec", (), sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "échec"
    assert entry["exception"].endswith("ValueError: valeur « x » refusée")
