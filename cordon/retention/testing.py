"""The retention part of the test world: 南孟镇 keeps its access logs a year (a policy outside 小湾村)."""

from cordon.retention import services


def extend_world(world) -> None:
    world.retention_policy = services.policy_set(
        actor=world.neighbour, area=world.neighbour_town, kind="access_logs", days=365
    )
