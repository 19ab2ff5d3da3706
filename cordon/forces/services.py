"""Every change to personnel, teams and team membership. Each checks the actor's role and writes the audit.

The command centre (commander, staff) manages the whole town; a village's head and clerk register
personnel and teams of their own village. A member of the forces is a person of the registry: the
people app's own validation and lookup by ID number decide who they are (never a second copy here).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area, User
from cordon.accounts.permissions import FORCES_MANAGERS
from cordon.accounts.scope import require_role
from cordon.core import audit, codes
from cordon.core.privacy import mask_phone
from cordon.forces.models import Personnel, Team, TeamMember
from cordon.people import services as people_services
from cordon.people import validation
from cordon.people.models import Person

PERSONNEL_FIELDS = ("kind", "unit", "phone", "skills", "availability", "account", "area", "note", "active")
TEAM_FIELDS = ("name", "kind", "area", "leader", "note", "active")

_KINDS = frozenset(Personnel.Kind.values)
_AVAILABILITY = frozenset(Personnel.Availability.values)
_TEAM_KINDS = frozenset(Team.Kind.values)

_text = validation.clean_text


def _personnel_snapshot(personnel: Personnel) -> dict:
    values = audit.snapshot(personnel, PERSONNEL_FIELDS)
    if values.get("phone"):
        values["phone"] = mask_phone(values["phone"])
    return values


def clean_personnel(data: dict) -> dict:
    """Check the forces' own fields of a person (kind, unit, phone, skills, availability, note); raise
    ValidationError({field: [message]}) naming every field that is wrong."""
    errors: dict[str, list] = {}
    cleaned: dict = {}
    kind = data.get("kind") or ""
    if kind not in _KINDS:
        errors["kind"] = [_("Choose what kind of personnel.")]
    cleaned["kind"] = kind
    availability = data.get("availability") or Personnel.Availability.FULL_TIME
    if availability not in _AVAILABILITY:
        errors["availability"] = [_("Choose when they are available.")]
    cleaned["availability"] = availability
    raw_phone = str(data.get("phone") or "")
    try:
        cleaned["phone"] = validation.parse_phone(raw_phone) if raw_phone.strip() else ""
    except ValidationError as exc:
        errors["phone"] = exc.messages
    for field, limit in (("unit", 60), ("skills", 200), ("note", 200)):
        try:
            cleaned[field] = _text(data.get(field), field, limit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_account(account: User | None, personnel: Personnel | None = None) -> None:
    if account is None:
        return
    taken = Personnel.objects.filter(account=account)
    if personnel is not None:
        taken = taken.exclude(pk=personnel.pk)
    if taken.exists():
        raise ValidationError(
            {"account": [_("This account already belongs to another member of the forces.")]}
        )


def _find_or_register_person(*, actor: User, area: Area, person_data: dict) -> Person:
    """The person behind the form: a known ID number finds them (they stay where they live), a new
    one is registered in ``area`` through the people app's own service."""
    cleaned = people_services.clean_person(person_data, today=timezone.localdate())
    number = cleaned["document_number"]
    if number:
        holder = people_services.holders(cleaned["document_type"], [number]).first()
        if holder is not None:
            if not Person.objects.visible_to(actor).filter(pk=holder.pk).exists():
                raise ValidationError({"document_number": [people_services.REGISTERED_ELSEWHERE]})
            return holder
    person, _created = people_services.person_save(actor=actor, area=area, data=person_data, partial=True)
    return person


@transaction.atomic
def personnel_register(
    *, actor: User, area: Area, person_data: dict, data: dict, account: User | None = None
) -> tuple[Personnel, bool]:
    """Register a person as personnel serving in ``area``. Returns (personnel, created).

    One row per person: registering someone who is already personnel (a retried submission, a second
    clerk) answers the existing row unchanged — unless it serves in an area the actor does not reach,
    which is refused without saying where.
    """
    require_role(actor, area, *FORCES_MANAGERS)
    errors: dict = {}
    try:
        people_services.clean_person(person_data, today=timezone.localdate())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        cleaned = clean_personnel(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    person = _find_or_register_person(actor=actor, area=area, person_data=person_data)
    existing = Personnel.objects.select_for_update().filter(person=person).first()
    if existing is not None:
        if not Personnel.objects.visible_to(actor).filter(pk=existing.pk).exists():
            raise ValidationError({"document_number": [_("This person already serves in another village.")]})
        return existing, False
    _check_account(account)
    personnel = Personnel(person=person, area=area, account=account, created_by=actor, **cleaned)
    personnel.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            personnel.save()
    except IntegrityError:
        # The same person registered a moment ago by another request: that row is the answer.
        return Personnel.objects.get(person=person), False
    audit.record(
        actor=actor,
        action="personnel.register",
        target=personnel,
        area=personnel.area_id,
        changes=audit.diff({}, _personnel_snapshot(personnel)),
    )
    return personnel, True


@transaction.atomic
def personnel_register_many(*, actor: User, area: Area, rows: list[dict]) -> list[Personnel]:
    """Register many new people as personnel of ``area`` at once (a village's roster, the demo town).

    The same validation as ``personnel_register`` row by row, all or nothing: any bad row refuses the
    whole roster with its row number. Every person must be new to the registry and have a document
    number (this is for first rosters, not for updating); each gets its audit entry.
    """
    require_role(actor, area, *FORCES_MANAGERS)
    today = timezone.localdate()
    errors, people, details = [], [], []
    for number, row in enumerate(rows, start=1):
        try:
            person = people_services.clean_person(row["person"], today=today)
            if not person["document_number"]:
                raise ValidationError({"document_number": [_("Enter the document number.")]})
            people.append(person)
            details.append(clean_personnel(row["data"]))
        except ValidationError as exc:
            errors.extend(f"{number}: {m}" for ms in exc.message_dict.values() for m in ms)
    numbers = [p["document_number"] for p in people]
    if len(set(numbers)) != len(numbers):
        errors.append(_("The same document number appears twice."))
    if numbers and Person.objects.filter(document_number__in=numbers).exists():
        errors.append(_("Some of these people are already registered: register them one by one."))
    if errors:
        raise ValidationError(errors[:20])
    now = timezone.now()
    made = []
    for cleaned in people:
        person = Person(area=area, created_by=actor, created_at=now, updated_at=now, **cleaned)
        people_services.search_keys(person)
        made.append(person)
    Person.objects.bulk_create(made, batch_size=500)
    if made[0].pk is None:  # backends that do not return keys from a bulk insert
        by_number = dict(
            Person.objects.filter(document_number__in=numbers).values_list("document_number", "pk")
        )
        for person in made:
            person.pk = by_number[person.document_number]
    personnel = [
        Personnel(person=person, area=area, created_by=actor, created_at=now, **cleaned)
        for person, cleaned in zip(made, details, strict=True)
    ]
    Personnel.objects.bulk_create(personnel, batch_size=500)
    if personnel[0].pk is None:
        by_person = dict(Personnel.objects.filter(person__in=made).values_list("person_id", "pk"))
        for row in personnel:
            row.pk = by_person[row.person_id]
    from cordon.core.context import current_source
    from cordon.core.models import AuditEntry

    source = current_source()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                actor_label=actor.username,
                source=source,
                action="personnel.register",
                target_type=Personnel._meta.label_lower,
                target_id=str(row.pk),
                target_label=f"{row.person.name}"[:200],
                area_id=area.code,
                changes=audit.diff({}, _personnel_snapshot(row)),
            )
            for row in personnel
        ],
        batch_size=500,
    )
    return personnel


@transaction.atomic
def personnel_update(
    *, actor: User, personnel: Personnel, data: dict, area: Area | None = None, account=...
) -> Personnel:
    """Change a member's kind, unit, phone, skills, availability, note, active flag, account or area.

    Fields left out keep their value. Moving to another area needs a role in both.
    """
    require_role(actor, personnel.area_id, *FORCES_MANAGERS)
    personnel = Personnel.objects.select_for_update().get(pk=personnel.pk)
    before = _personnel_snapshot(personnel)
    current = {f: getattr(personnel, f) for f in ("kind", "unit", "phone", "skills", "availability", "note")}
    current.update({k: v for k, v in data.items() if k in current and v is not None})
    cleaned = clean_personnel(current)
    for field, value in cleaned.items():
        setattr(personnel, field, value)
    if data.get("active") is not None:
        personnel.active = bool(data["active"])
    if area is not None and area.code != personnel.area_id:
        require_role(actor, area, *FORCES_MANAGERS)
        personnel.area = area
    if account is not ...:
        _check_account(account, personnel)
        personnel.account = account
    personnel.full_clean(validate_constraints=False, validate_unique=False)
    personnel.save()
    changes = audit.diff(before, _personnel_snapshot(personnel))
    if changes:
        audit.record(
            actor=actor, action="personnel.update", target=personnel, area=personnel.area_id, changes=changes
        )
    return personnel


# --- Teams ---------------------------------------------------------------------------------------------


def _clean_team(data: dict) -> dict:
    errors: dict = {}
    cleaned: dict = {}
    try:
        cleaned["name"] = _text(data.get("name"), "name", 60, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if data.get("kind") not in _TEAM_KINDS:
        errors["kind"] = [_("Choose what kind of team.")]
    cleaned["kind"] = data.get("kind")
    try:
        cleaned["note"] = _text(data.get("note"), "note", 200)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_leader(actor: User, team_area: str, leader: Personnel | None) -> None:
    if leader is None:
        return
    if not leader.active:
        raise ValidationError({"leader": [_("This person is no longer active.")]})
    if not codes.covers(codes.prefix_of(team_area), leader.area_id) and not codes.covers(
        codes.prefix_of(leader.area_id), team_area
    ):
        raise ValidationError({"leader": [_("The leader serves in another village.")]})
    require_role(actor, leader.area_id, *FORCES_MANAGERS)


def _name_taken(area_code: str, name: str, exclude=None) -> None:
    taken = Team.objects.filter(area_id=area_code, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"name": [_("This area already has a team of this name.")]})


@transaction.atomic
def team_create(
    *, actor: User, area: Area, data: dict, leader: Personnel | None = None, on: date | None = None
) -> Team:
    """Form a team in ``area``; its leader (optional) becomes its first member. Team names are unique in
    an area, so a form sent twice makes one team."""
    require_role(actor, area, *FORCES_MANAGERS)
    cleaned = _clean_team(data)
    _check_leader(actor, area.code, leader)
    _name_taken(area.code, cleaned["name"])
    team = Team(area=area, leader=leader, created_by=actor, **cleaned)
    team.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError({"name": [_("This area already has a team of this name.")]}) from None
    audit.record(
        actor=actor,
        action="team.create",
        target=team,
        area=team.area_id,
        changes=audit.diff({}, _team_snapshot(team)),
    )
    if leader is not None:
        _member_add(
            actor=actor, team=team, personnel=leader, role=_("Leader"), joined_on=on or timezone.localdate()
        )
    return team


def _team_snapshot(team: Team) -> dict:
    return audit.snapshot(team, TEAM_FIELDS)


@transaction.atomic
def team_update(*, actor: User, team: Team, data: dict, leader=..., active: bool | None = None) -> Team:
    """Rename a team, change its kind, note or leader, or stand it down (inactive)."""
    require_role(actor, team.area_id, *FORCES_MANAGERS)
    team = Team.objects.select_for_update().get(pk=team.pk)
    before = _team_snapshot(team)
    current = {"name": team.name, "kind": team.kind, "note": team.note}
    current.update({k: v for k, v in data.items() if k in current and v is not None})
    cleaned = _clean_team(current)
    if cleaned["name"] != team.name:
        _name_taken(team.area_id, cleaned["name"], exclude=team)
    for field, value in cleaned.items():
        setattr(team, field, value)
    if leader is not ...:
        _check_leader(actor, team.area_id, leader)
        team.leader = leader
    if active is not None:
        team.active = active
    team.full_clean(validate_constraints=False, validate_unique=False)
    team.save()
    if (
        leader not in (..., None)
        and not team.memberships.filter(personnel=leader, left_on__isnull=True).exists()
    ):
        _member_add(
            actor=actor, team=team, personnel=leader, role=_("Leader"), joined_on=timezone.localdate()
        )
    changes = audit.diff(before, _team_snapshot(team))
    if changes:
        audit.record(actor=actor, action="team.update", target=team, area=team.area_id, changes=changes)
    return team


def _member_add(*, actor, team, personnel, role, joined_on) -> TeamMember:
    membership = TeamMember(team=team, personnel=personnel, role=role, joined_on=joined_on, added_by=actor)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            {"personnel": [_("%(name)s is already in this team.") % {"name": personnel.person.name}]}
        ) from None
    audit.record(
        actor=actor,
        action="team.member_add",
        target=team,
        area=team.area_id,
        changes={"member": [None, str(personnel.person)], "role": [None, role]},
    )
    return membership


@transaction.atomic
def team_member_add(
    *, actor: User, team: Team, personnel: Personnel, role: str = "", joined_on: date | None = None
) -> TeamMember:
    """Put a member of the forces in a team. Both must be in areas the actor manages; the person must
    be active and serve where the team works (a village's people in that village's teams; the town's
    people anywhere in the town); nobody is in the same team twice."""
    require_role(actor, team.area_id, *FORCES_MANAGERS)
    require_role(actor, personnel.area_id, *FORCES_MANAGERS)
    team = Team.objects.select_for_update().get(pk=team.pk)
    personnel = Personnel.objects.select_related("person").get(pk=personnel.pk)
    if not team.active:
        raise ValidationError(_("This team has been stood down."))
    if not personnel.active:
        raise ValidationError({"personnel": [_("This person is no longer active.")]})
    if not codes.covers(codes.prefix_of(personnel.area_id), team.area_id) and not codes.covers(
        codes.prefix_of(team.area_id), personnel.area_id
    ):
        raise ValidationError({"personnel": [_("This person serves in another village.")]})
    joined_on = joined_on or timezone.localdate()
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": [_("This date is in the future.")]})
    role = _text(role, "role", 40)
    if team.memberships.filter(personnel=personnel, left_on__isnull=True).exists():
        raise ValidationError(
            {"personnel": [_("%(name)s is already in this team.") % {"name": personnel.person.name}]}
        )
    return _member_add(actor=actor, team=team, personnel=personnel, role=role, joined_on=joined_on)


@transaction.atomic
def team_member_remove(*, actor: User, membership: TeamMember, left_on: date | None = None) -> TeamMember:
    """Record that a member left a team (the membership is kept, with the day they left). A team's
    leader who leaves is no longer its leader."""
    team = membership.team
    require_role(actor, team.area_id, *FORCES_MANAGERS)
    membership = (
        TeamMember.objects.select_for_update().select_related("personnel__person").get(pk=membership.pk)
    )
    if membership.left_on is not None:
        raise ValidationError(_("This member already left the team."))
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": [_("A member leaves after joining.")]})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": [_("This date is in the future.")]})
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    if team.leader_id == membership.personnel_id:
        Team.objects.filter(pk=team.pk).update(leader=None)
        team.leader = None
    audit.record(
        actor=actor,
        action="team.member_remove",
        target=team,
        area=team.area_id,
        changes={"member": [str(membership.personnel.person), None], "left_on": [None, left_on.isoformat()]},
    )
    return membership
