"""Reads over cases: lists, a case's contacts with where each stands, the chain as a graph, the
epidemic curve. Everything is filtered to what the viewer may see — a contact in another town is
neither listed nor counted, and a chain never runs through a case the viewer cannot see.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from cordon.accounts.permissions import CASE_WORKERS
from cordon.cases import chain
from cordon.cases.models import Case, ContactLink, Placement, QuarantineSite
from cordon.cases.services import lookback_start
from cordon.observation.models import Period


def cases_visible(viewer):
    """Cases in the viewer's areas, for health workers and the command centre only."""
    return Case.objects.visible_to(viewer, CASE_WORKERS)


def sites_visible(viewer):
    return QuarantineSite.objects.visible_to(viewer, CASE_WORKERS)


def placements_visible(viewer):
    """Stays at quarantine sites: the command centre and health workers, and a village's clerk and head
    for their own villagers (that they are in quarantine, where and until when — nothing clinical)."""
    return Placement.objects.visible_to(viewer)


def case_by_reference(viewer, reference: str) -> Case | None:
    """The case a person names: its id, or its number as 廊坊市第23例 (or 廊坊市 23)."""
    import re

    reference = (reference or "").strip()
    cases = cases_visible(viewer)
    if reference.isdigit():
        return cases.filter(pk=int(reference)).first()
    match = re.fullmatch(r"(.+?)\s*第?\s*([0-9A-Za-z-]+)\s*例?", reference)
    if match is None:
        return None
    return cases.filter(authority=match.group(1), number=match.group(2)).first()


def case_list(viewer, *, classification: str = "", area: str = "", query: str = ""):
    cases = cases_visible(viewer).select_related("person")
    if classification:
        cases = cases.filter(classification=classification)
    if area:
        cases = cases.within(area)
    if query:
        query = query.strip().removeprefix("第").removesuffix("例")
        cases = cases.filter(Q(number=query) | Q(person__name__startswith=query) | Q(external_name=query))
    return cases.order_by("-confirmed_on", "-created_at", "-id")


@dataclass
class ContactRow:
    link: ContactLink
    status: str  # in_quarantine, observing, released, ended, became_case, traced
    label: str
    until: date | None = None
    place: str = ""
    outside_lookback: bool = False


@dataclass
class CaseContacts:
    rows: list[ContactRow]
    counts: dict[str, int] = field(default_factory=dict)


def case_contacts(case: Case, viewer) -> CaseContacts:
    """The case's contacts the viewer may see, each with where they stand, and the counts of those."""
    links = (
        ContactLink.objects.visible_to(viewer)
        .filter(case=case)
        .select_related("person", "period", "contact_case", "via__person")
        .prefetch_related(
            Prefetch("placements", queryset=Placement.objects.select_related("site").order_by("-placed_on"))
        )
        .order_by("degree", "last_exposure", "id")
    )
    start = lookback_start(case)
    rows = []
    for link in links:
        rows.append(_contact_row(link, start))
    counts = Counter(row.status for row in rows)
    counts["traced"] = len(rows)
    counts["released"] = counts["released"] + counts["ended"]
    return CaseContacts(rows=rows, counts=dict(counts))


def _contact_row(link: ContactLink, start: date | None) -> ContactRow:
    outside = start is not None and link.last_exposure < start
    if link.contact_case_id:
        return ContactRow(
            link, "became_case", link.contact_case.label or _("Became a case"), outside_lookback=outside
        )
    stays = list(link.placements.all())
    period = link.period
    open_stay = next((s for s in stays if s.left_on is None), None)
    if open_stay is not None:
        until = period.planned_end if period else None
        return ContactRow(link, "in_quarantine", _("In quarantine"), until, open_stay.site.name, outside)
    if period is None:
        return ContactRow(link, "traced", _("Traced, days already served"), outside_lookback=outside)
    if period.status == Period.Status.ACTIVE:
        return ContactRow(
            link, "observing", period.get_mode_display(), period.planned_end, period.place, outside
        )
    if period.outcome == Period.Outcome.COMPLETED:
        return ContactRow(link, "released", _("Released"), period.actual_end, outside_lookback=outside)
    return ContactRow(
        link, "ended", period.get_outcome_display(), period.actual_end, outside_lookback=outside
    )


@dataclass
class Graph:
    nodes: list[dict]
    edges: list[dict]
    root: str
    truncated: bool = False  # more contacts than MAX_GRAPH_CONTACTS: the cases all shown, contacts cut


# A chain page draws at most this many contacts who are not cases (a super-spreader's chain can reach
# hundreds of thousands of people); every case of the chain is still shown.
MAX_GRAPH_CONTACTS = 3000

_LINK_FIELDS = (
    "id",
    "case_id",
    "person_id",
    "person__name",
    "degree",
    "setting",
    "first_exposure",
    "last_exposure",
    "via_id",
    "contact_case_id",
    "period__status",
    "period__planned_end",
)


def chain_graph(case: Case, viewer, *, depth: int = chain.MAX_DEPTH, degrees: tuple[str, ...] = ()) -> Graph:
    """The chain around a case as nodes and edges: the cases it came from and led to (to ``depth``),
    every visible contact of those cases, and the secondary contacts. A node is a case ("c<id>") or a
    person who is not one ("p<id>"). Only what the viewer may see: the walk goes through visible cases
    only, so a hidden case neither shows nor joins two visible ones. Rows are read as values, and the
    choice labels looked up once: a chain of thousands of contacts is built in milliseconds."""
    down, up = chain.walk(case.pk, depth)
    cases = {
        c.pk: c for c in cases_visible(viewer).filter(pk__in=set(down) | set(up)).select_related("person")
    }
    links = ContactLink.objects.visible_to(viewer).filter(case_id__in=cases)
    if degrees:
        links = links.filter(Q(degree__in=degrees) | Q(contact_case_id__isnull=False))
    rows = list(links.order_by("last_exposure", "id").values(*_LINK_FIELDS))
    reached = _connected(case.pk, cases, rows)
    quarantined = set(
        placements_visible(viewer)
        .filter(left_on__isnull=True, contact_id__in=[r["id"] for r in rows if not r["contact_case_id"]])
        .values_list("person_id", flat=True)
    )
    labels = {
        "degree": {k: str(v) for k, v in ContactLink.Degree.choices},
        "setting": {k: str(v) for k, v in ContactLink.Setting.choices},
        "classification": {k: str(v) for k, v in Case.Classification.choices},
    }
    nodes: dict[str, dict] = {f"c{pk}": _case_node(cases[pk], pk == case.pk, labels) for pk in reached}
    placed: list[tuple[dict, dict]] = []
    target_of = {}
    contacts = 0
    truncated = False
    for row in rows:
        if row["case_id"] not in reached:
            continue
        if row["contact_case_id"]:
            if row["contact_case_id"] not in reached:
                continue
            target = f"c{row['contact_case_id']}"
        else:
            target = f"p{row['person_id']}"
            if target not in nodes:
                if contacts >= MAX_GRAPH_CONTACTS:
                    truncated = True
                    continue
                contacts += 1
                nodes[target] = _person_node(row, row["person_id"] in quarantined)
        target_of[row["id"]] = target
        placed.append((row, _edge(row, f"c{row['case_id']}", target, labels)))
    for row, edge in placed:
        # A secondary contact hangs from the close contact they met, not from the case.
        if row["via_id"] in target_of:
            edge["source"] = target_of[row["via_id"]]
    return Graph(
        nodes=list(nodes.values()),
        edges=[edge for _row, edge in placed],
        root=f"c{case.pk}",
        truncated=truncated,
    )


def _connected(root: int, cases: dict, rows: list[dict]) -> set[int]:
    """The cases joined to the root through visible cases and links."""
    neighbours = defaultdict(set)
    for row in rows:
        if row["contact_case_id"] in cases:
            neighbours[row["case_id"]].add(row["contact_case_id"])
            neighbours[row["contact_case_id"]].add(row["case_id"])
    reached, todo = {root}, [root]
    while todo:
        for other in neighbours[todo.pop()] - reached:
            reached.add(other)
            todo.append(other)
    return reached


def _edge(row: dict, source: str, target: str, labels: dict) -> dict:
    return {
        "source": source,
        "target": target,
        "degree": row["degree"],
        "degree_label": labels["degree"][row["degree"]],
        "setting": row["setting"],
        "setting_label": labels["setting"][row["setting"]],
        "first_exposure": row["first_exposure"].isoformat(),
        "last_exposure": row["last_exposure"].isoformat(),
    }


def _case_node(case: Case, root: bool, labels: dict) -> dict:
    return {
        "id": f"c{case.pk}",
        "kind": "case",
        "status": "case",
        "name": case.display_name or case.label,
        "label": case.label,
        "classification": case.classification,
        "classification_label": labels["classification"][case.classification],
        "onset": case.onset_date.isoformat() if case.onset_date else None,
        "confirmed": case.confirmed_on.isoformat() if case.confirmed_on else None,
        "person": case.person_id,
        "case": case.pk,
        "root": root,
    }


def _person_node(row: dict, in_quarantine: bool) -> dict:
    if in_quarantine:
        status = "in_quarantine"
    elif row["period__status"] == Period.Status.ACTIVE:
        status = "observing"
    else:
        status = "released"
    end = row["period__planned_end"]
    return {
        "id": f"p{row['person_id']}",
        "kind": "person",
        "status": status,
        "name": row["person__name"],
        "label": row["person__name"],
        "person": row["person_id"],
        "until": end.isoformat() if end else None,
        "root": False,
    }


def epidemic_curve(viewer, *, area: str = "", by: str = "confirmed_on") -> list[dict]:
    """Cases (excluded ones left out) per day of onset or of confirmation, for the viewer's areas or
    one area inside them: [{"day", "confirmed", "asymptomatic", "suspected"}] in date order."""
    field_name = "onset_date" if by == "onset_date" else "confirmed_on"
    cases = cases_visible(viewer).exclude(classification=Case.Classification.EXCLUDED)
    if area:
        cases = cases.within(area)
    counts: dict[date, Counter] = defaultdict(Counter)
    for day, classification in cases.exclude(**{f"{field_name}__isnull": True}).values_list(
        field_name, "classification"
    ):
        counts[day][classification] += 1
    if not counts:
        return []
    # Every day from the first to the last, quiet days as zeros (a year at most: the curve's window).
    last = max(counts)
    day = max(min(counts), last - timedelta(days=365))
    curve = []
    while day <= last:
        curve.append(
            {
                "day": day.isoformat(),
                **{c: counts[day][c] for c in ("confirmed", "asymptomatic", "suspected")},
            }
        )
        day += timedelta(days=1)
    return curve


def case_sources(case: Case, viewer) -> list[ContactLink]:
    """The links through which this case's person was exposed to other cases (the viewer's only)."""
    if case.person_id is None:
        return []
    return case_sources_of(case.person, viewer)


def case_sources_of(person, viewer) -> list[ContactLink]:
    """The cases a person is a contact of, through links and cases the viewer may see."""
    visible = cases_visible(viewer).values("pk")
    return list(
        ContactLink.objects.visible_to(viewer)
        .filter(person_id=person.pk, case__in=visible)
        .select_related("case__person")
        .order_by("last_exposure")
    )


def person_by_document(viewer, raw: str):
    """The person of the viewer's areas holding this document number (an ID number is read the way the
    registry reads it: full-width, lower-case x, 15 digits), or None."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from cordon.people.models import Person
    from cordon.people.validation import parse_id_number

    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        number = parse_id_number(raw, today=timezone.localdate()).number
    except ValidationError:
        number = raw.upper()
    return Person.objects.visible_to(viewer).filter(document_number=number).first()


def home_town(viewer, roles) -> str:
    """The area where the viewer records what belongs to no village (a case known only elsewhere):
    the highest area where they hold one of ``roles``."""
    from django.core.exceptions import PermissionDenied

    from cordon.accounts.scope import visible_prefixes

    prefixes = sorted(visible_prefixes(viewer, roles), key=len)
    if not prefixes or prefixes[0] == "":
        raise PermissionDenied
    return prefixes[0].ljust(12, "0")


def site_choices(viewer) -> list[tuple[int, str]]:
    """(id, "name · held/capacity") of the sites in use the viewer may place people at."""
    sites = list(sites_visible(viewer).filter(is_active=True))
    held = Counter(
        Placement.objects.filter(site__in=sites, left_on__isnull=True).values_list("site_id", flat=True)
    )
    return [(s.pk, f"{s.name} · {held[s.pk]}/{s.capacity}") for s in sites]


def household_candidates(case: Case, viewer) -> list:
    """The members of the case's household the viewer may see, not yet traced for this case."""
    from cordon.people.models import Person

    if case.person_id is None or case.person.household_id is None:
        return []
    traced = ContactLink.objects.filter(case=case).values("person_id")
    return list(
        Person.objects.visible_to(viewer)
        .filter(household_id=case.person.household_id)
        .exclude(pk=case.person_id)
        .exclude(pk__in=traced)
        .order_by("name")
    )


def village_choices(viewer) -> list[tuple[str, str]]:
    """(code, name) of the villages (and grids) where the viewer may register people."""
    from cordon.accounts.models import Area
    from cordon.accounts.permissions import PEOPLE_REGISTRARS
    from cordon.core import codes

    areas = Area.objects.visible_to(viewer, PEOPLE_REGISTRARS).filter(level=codes.VILLAGE).order_by("code")
    return [(a.code, a.name) for a in areas.only("code", "name")]


def chain_rows(graph: Graph) -> list[dict]:
    """The chain as a list for the report upward: each edge with both ends' names, by exposure date."""
    names = {node["id"]: node for node in graph.nodes}
    rows = []
    for edge in graph.edges:
        rows.append({**edge, "from": names[edge["source"]], "to": names[edge["target"]]})
    return sorted(rows, key=lambda row: (row["last_exposure"], row["to"]["name"]))
