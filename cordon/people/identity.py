"""Who a row, a form or a contact names — one rule for every way people are written into Cordon.

A document number names one person. When a number Cordon already holds comes with another name (刘玲
stored, 刘玲某 written), that is a *conflict*, never a correction: nothing renames a registered person
but an explicit edit of that person (their page, the API's PATCH of that record). The writer refuses
the entry with a message that names both spellings — the stored one masked unless the viewer's role at
the person's village shows whole data — and offers the fix: correct the name where it was typed, or
correct the stored name on the person's page (or merge the two records there).

Likewise a known person lives in one village: an entry that puts them in another is refused unless the
caller moves them on purpose (the CLI's ``--move``, the person's page), which is audited as a transfer.

Used by the ledger importer (people.import_rows, people.import_writer), the registration form and the
API's register (people.services.person_save); contact tracing (cases) is meant to call
``refuse_name_conflict`` for a typed name that does not match a known number's holder.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.accounts.permissions import PERSON_DATA_READERS
from cordon.accounts.scope import has_role
from cordon.core import codes
from cordon.core.privacy import mask_document, mask_name
from cordon.people import validation


def canonical_name(name: str) -> str:
    """A name as it is compared: read as the registration form reads it (padding spaces inside a
    Chinese name dropped, full-width letters narrowed, '•' taken for '·'), without case."""
    try:
        return validation.parse_name(name or "").casefold()
    except ValidationError:
        return validation.normalize(name or "").casefold()


def same_name(stored: str, given: str) -> bool:
    """Whether two spellings are one name (刘 玲 = 刘玲, JOHN SMITH = John Smith; 刘玲某 ≠ 刘玲)."""
    return canonical_name(stored) == canonical_name(given)


def shows_full(viewer, area_code: str) -> bool:
    """Whether ``viewer``'s role at the village ``area_code`` shows whole names and numbers; without a
    viewer (a caller that already checked), it does."""
    return viewer is None or has_role(viewer, area_code, *PERSON_DATA_READERS)


def _where(record: int | None, row: int | None) -> str:
    """Where the stored person is found: their record number, or the row of the file being imported
    that registered them a moment ago."""
    if row is not None:
        return _("registered by row %(row)s of this file") % {"row": row}
    return _("record No. %(record)s") % {"record": record if record is not None else "—"}


def name_conflict_message(
    *,
    stored_name: str,
    given_name: str,
    document_number: str,
    record: int | None,
    full: bool,
    row: int | None = None,
) -> str:
    """The refusal of a known number written with another name: both spellings, the number masked,
    and what to do. ``row``: the person was registered by that row of the file being imported."""
    return _(
        "The number %(number)s is registered as “%(stored)s” (%(where)s); here it is written "
        "“%(given)s”. Importing or registering never renames anyone: if it is the same person, "
        "correct the name here; if the registered name is wrong, correct it on that person's page (or "
        "merge the two records there), then try again."
    ) % {
        "number": mask_document(document_number),
        "stored": stored_name if full else mask_name(stored_name),
        "where": _where(record, row),
        "given": given_name,
    }


def refuse_name_conflict(*, holder, given_name: str, viewer, field: str = "name") -> None:
    """Raise ValidationError({field: [message]}) when ``given_name`` is not ``holder``'s name.

    ``holder`` is the Person who holds the number the caller was given; ``viewer`` the actor, whose
    role at the holder's village decides whether the stored name is shown whole.
    """
    if same_name(holder.name, given_name):
        return
    message = name_conflict_message(
        stored_name=holder.name,
        given_name=validation.normalize(given_name or ""),
        document_number=holder.document_number,
        record=holder.pk,
        full=shows_full(viewer, holder.area_id),
    )
    raise ValidationError({field: [message]})


def file_name_conflict_message(*, row: int, other_name: str, given_name: str) -> str:
    """One number under two names inside one file (both rows are the uploader's own)."""
    return _(
        "Row %(row)s of this file writes this number for “%(other)s”; this row writes “%(given)s”. "
        "One number is one person: correct the name in one of the two rows."
    ) % {"row": row, "other": other_name, "given": given_name}


def same_place(home: str, here: str) -> bool:
    """Whether an entry for the village (or grid) ``here`` is about where a person living in ``home``
    lives: the same area, or one inside the other (a grid of their village)."""
    return codes.covers(home, here) or codes.covers(here, home)


def move_message(
    *, name: str, home: str, here: str, record: int | None, full: bool, row: int | None = None
) -> str:
    """The refusal of an entry that would move a known person to another village."""
    return _(
        "%(name)s is registered in %(home)s (%(where)s), not in %(here)s. Importing or registering "
        "never moves anyone to another village: if they have moved, change the village on their page "
        "first."
    ) % {
        "name": name if full else mask_name(name),
        "home": home,
        "here": here,
        "where": _where(record, row),
    }


def refuse_move(*, holder, area, viewer, field: str = "area") -> None:
    """Raise ValidationError({field: [message]}) when ``area`` is not where ``holder`` lives."""
    if same_place(holder.area_id, area.code):
        return
    home = Area.objects.filter(code=holder.area_id).values_list("name", flat=True).first() or ""
    raise ValidationError(
        {
            field: [
                move_message(
                    name=holder.name,
                    home=home,
                    here=area.name,
                    record=holder.pk,
                    full=shows_full(viewer, holder.area_id),
                )
            ]
        }
    )
