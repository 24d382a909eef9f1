"""The unit tier: no OpenSearch, no Tika, no database server; seconds, not minutes.

A test here that asks for the real services fails at once instead of starting them:
it belongs in ``tests/integration`` or ``tests/system``.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def resources() -> None:
    pytest.fail("a unit test may not use the real services; move it to tests/integration")
