"""The hand-overs' part of the test world: 南孟镇 asks 堂二里镇 to take 东某 (pending)."""

from cordon.handovers import services


def extend_world(world) -> None:
    world.handover = services.handover_request(
        actor=world.neighbour, person=world.east_person, to_area=world.town, note="住在堂二里镇"
    )
