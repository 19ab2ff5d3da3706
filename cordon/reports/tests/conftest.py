from cordon.observation.tests.conftest import clock, observed, someone  # noqa: F401 — shared fixtures
