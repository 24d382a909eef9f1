"""The integration tier: real OpenSearch, Tika and databases, started once per test
session by ``tests/conftest.py`` (the ``services`` fixture) and stopped afterwards."""
