import pytest


@pytest.fixture(autouse=True)
def no_pass_yet(world):
    """These tests count passes from none: the world's pass (for the scope tests) is taken away; its
    grid stays sealed."""
    world.exit_pass.delete()
