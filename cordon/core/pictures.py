"""What a photo from a phone's camera is, by its first bytes — never by the name or type it was sent
with (a file named x.html holding a JPEG is a JPEG; one holding HTML is no photo)."""

# (first bytes, content type, extension); WebP is RIFF with "WEBP" at bytes 8–12.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"RIFF", "image/webp", "webp"),
)


def picture_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG, PNG or WebP from its first 12 bytes or more; else None."""
    for magic, kind, extension in _SIGNATURES:
        if head.startswith(magic) and (kind != "image/webp" or head[8:12] == b"WEBP"):
            return kind, extension
    return None
