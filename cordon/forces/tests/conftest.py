import pytest

from cordon.core import testing


@pytest.fixture
def world(db, monkeypatch):
    """The shared world with only the forces' own extension: the other field apps' records are no
    part of these tests (and they are built in parallel)."""
    from cordon.forces.testing import extend_world

    monkeypatch.setattr(testing, "_world_extensions", lambda: iter([extend_world]))
    return testing.build_world()
