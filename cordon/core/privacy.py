"""How personal data is shown to those who do not need it whole."""


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits of a phone number; short ones fully hidden."""
    phone = phone or ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" if phone else ""


def mask_document(number: str) -> str:
    """131081********0016: an ID number with its birth date and sequence hidden; others keep 2 + 2."""
    number = number or ""
    if len(number) == 18:
        return f"{number[:6]}{'*' * 8}{number[-4:]}"
    if len(number) > 4:
        return f"{number[:2]}{'*' * (len(number) - 4)}{number[-2:]}"
    return "*" * len(number)


def card_name(name: str) -> str:
    """尹某* : the surname and the given name's first character, the rest masked — what a guard needs to
    match a printed exit-pass card to the ID card in the holder's hand. A two-character name (surname
    and a one-character given name) is printed whole: the holder carries the card, and the guard reads
    the same name off the ID card; the card's QR code still carries only ``mask_name``."""
    name = name or ""
    return name if len(name) <= 2 else f"{name[:2]}{'*' * (len(name) - 2)}"


def mask_name(name: str) -> str:
    """尹** : a name's first character, for pages shown without a login."""
    name = name or ""
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}" if name else ""
