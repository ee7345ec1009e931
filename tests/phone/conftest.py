"""Phone fixtures: the server fixtures of tests/server (a real app on a real SQLite file, tokens, clerks)."""
from tests.server.conftest import clock, make_server, provisioned, srv  # noqa: F401
