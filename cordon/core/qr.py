"""QR codes drawn as inline SVG (segno): no image files, nothing fetched, printable at any size."""


def qr_svg(text: str, *, scale: int = 5) -> str:
    import segno

    return segno.make(text, error="m").svg_inline(scale=scale, dark="#17365d", omitsize=True)
