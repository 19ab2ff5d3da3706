"""Hand-overs a user may see: those their town sent and those addressed to it."""

from cordon.accounts.models import Area, visible_prefixes
from cordon.core import codes
from cordon.core.scope import prefixes_q
from cordon.handovers.models import Handover


def handovers_for(user):
    """Sent from or addressed to an area the user reaches (404 for anything else)."""
    if user.is_superuser:
        return Handover.objects.all()
    prefixes = visible_prefixes(user)
    sent, received = prefixes_q("area_id", prefixes), prefixes_q("to_area_id", prefixes)
    if sent is None:
        return Handover.objects.none()
    return Handover.objects.filter(sent | received)


def receiving_towns(person) -> list:
    """The towns a person may be handed to: every town on this server but their own. A sender needs
    the other towns' names and codes, which lie outside its scope by design (nothing else of them)."""
    own = person.area_id[:9]
    return [
        area
        for area in Area.objects.order_by("code").only("code", "name")
        if codes.level_of(area.code) == codes.TOWN and not area.code.startswith(own)
    ]


def receiving_town(code: str):
    """The town named by ``code`` (None when there is no such town): see ``receiving_towns``."""
    return Area.objects.filter(code=code).first()


def home_towns(people) -> dict:
    """For each of ``people`` whose current or registered address names another town of this server,
    that town (the longest name found): a contact traced here who lives there, to be handed over."""
    towns = list(Area.objects.filter(level=codes.TOWN).exclude(name="").order_by("code").only("code", "name"))
    found = {}
    for person in people:
        text = f"{person.address} {person.registered_address}"
        named = [t for t in towns if t.name in text and not t.code.startswith(person.area_id[:9])]
        if named:
            found[person.pk] = max(named, key=lambda t: len(t.name))
    return found


def pending_people(person_ids) -> set:
    """Of ``person_ids``, those with a hand-over on this server awaiting the receiver."""
    return set(
        Handover.objects.filter(person_id__in=list(person_ids), status=Handover.Status.PENDING).values_list(
            "person_id", flat=True
        )
    )
