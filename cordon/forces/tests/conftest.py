import pytest

from cordon.core.testing import shared_world
from cordon.testing import build_world


@pytest.fixture
def world(request):
    """The shared world with only the forces' own extension: the other field apps' records are no
    part of these tests (and they are built in parallel)."""
    from cordon.forces.testing import extend_world

    return shared_world(
        request, key="world with forces only", build=lambda: build_world(extensions=[extend_world])
    )
