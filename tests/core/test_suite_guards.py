"""The suite's own guards (decision 0023): an unknown template variable fails the test, and no
test reaches the network beyond this machine."""

import socket

import pytest
from django.template import engines
from pytest_socket import SocketConnectBlockedError


def test_an_unknown_template_variable_fails_the_test():
    template = engines["django"].from_string("Bonjour {{ person.name }}")
    assert template.render({"person": {"name": "Claire"}}) == "Bonjour Claire"
    with pytest.raises(pytest.fail.Exception, match=r"Undefined template variable 'person\.name'"):
        template.render({})


def test_a_connection_beyond_this_machine_is_refused_before_it_leaves():
    # 192.0.2.1 is a documentation address (RFC 5737): nothing would answer anyway.
    with (
        pytest.warns(UserWarning, match=r'host "192\.0\.2\.1"'),
        pytest.raises(SocketConnectBlockedError),
    ):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_this_machine_stays_reachable():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            accepted, _ = server.accept()
            accepted.close()
