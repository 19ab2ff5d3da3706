import pytest


@pytest.fixture(autouse=True)
def an_empty_day(world):
    """The passage tests count from zero: the world's one passage (for the scope tests) is taken away."""
    world.passage.delete()
