"""Test support of the people registry."""

from cordon.people.validation import id_check_character


def id_number(first17: str) -> str:
    """A valid resident ID number from its first 17 digits (the check character computed)."""
    return first17 + id_check_character(first17)
