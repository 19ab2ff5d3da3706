import pytest


@pytest.fixture(autouse=True)
def an_empty_day(world):
    """The passage tests count from zero: the world's one passage (for the scope tests) is taken away."""
    from cordon.checkpoints.services_counts import passage_counts_rebuild

    world.passage.delete()
    world.self_registration.delete()
    passage_counts_rebuild()
