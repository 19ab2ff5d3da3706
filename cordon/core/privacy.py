"""How personal data is shown to those who do not need it whole."""


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits of a phone number; short ones fully hidden."""
    phone = phone or ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" if phone else ""
