"""Notify fixtures: the server fixtures of tests/server and a local fake SMS gateway."""
import pytest

from server.notify.fake_gateway import FakeGateway
from tests.server.conftest import clock, make_server, provisioned  # noqa: F401


@pytest.fixture
async def gateway(aiohttp_server):
    fake = FakeGateway(slow_s=2.0)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("/sms"))
    return fake
