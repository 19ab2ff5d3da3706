"""Finding the header row of a ledger: under title lines, across merged two-level headers."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from cordon.core.spreadsheet_types import (
    HEADER_SEARCH_ROWS,
    MIN_KNOWN_HEADERS,
    Header,
    SpreadsheetError,
    cell_text,
    normalize_header,
)


class HeaderFinder:
    def __init__(self, is_known: Callable[[str], bool], max_columns: int, max_rows: int):
        self.is_known = is_known
        self.max_columns = max_columns
        self.max_rows = max_rows
        self.saw_data = False  # any cell anywhere in the searched regions, for "empty file" vs "no header"

    def find(self, sheet_name: str, region: list[list], merges) -> tuple[list[Header], int] | None:
        """The headers and the 0-based index of the (lower) header row, or None.

        `region` is the sheet's first rows from A1; `merges` are ((row, col), (row, col)) ranges.
        """
        width = max((len(row) for row in region), default=0)
        texts = [[cell_text(v) for v in row] + [""] * (width - len(row)) for row in region]
        if any(any(row) for row in texts):
            self.saw_data = True
        is_text = [[type(v) is str for v in row] + [True] * (width - len(row)) for row in region]
        # Excel keeps a merged cell's text in its top-left cell only; spread it over the range so a
        # vertically merged "姓名" is seen in both rows of a two-level header.
        filled = [row[:] for row in texts]
        vertical = []  # merges that span more than one row, clipped to the region
        for (r0, c0), (r1, c1) in merges:
            if r0 >= len(region):
                continue
            value = texts[r0][c0] if c0 < width else ""
            for r in range(r0, min(r1, len(region) - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    filled[r][c] = value
            if r1 > r0:
                vertical.append((r0, c0, r1, c1))

        keys = [[normalize_header(text) for text in row] for row in filled]
        header_row = None
        for r in range(min(HEADER_SEARCH_ROWS, len(region))):
            known = {key for key, text in zip(keys[r], is_text[r], strict=True) if key and text}
            if sum(1 for key in known if self.is_known(key)) >= MIN_KNOWN_HEADERS:
                header_row = r
                break
        if header_row is None:
            return None

        upper, lower = header_row, header_row
        below = header_row + 1
        # Columns under a name merged across columns in the header row ("联系方式" over C:E).
        grouped = {
            c
            for (r0, c0), (r1, c1) in merges
            if r0 == r1 == header_row and c1 > c0
            for c in range(c0, c1 + 1)
        }
        if below < len(region) and self._is_sub_header(
            keys[below], texts[below], is_text[below], grouped, keys[header_row]
        ):
            lower = below
        elif header_row > 0 and any(r0 < header_row <= r1 for r0, _c0, r1, _c1 in vertical):
            upper = header_row - 1

        headers = []
        for c in range(width):
            if upper == lower:
                # One header row: a name merged across columns belongs to its first column only.
                text, group = normalize_header(texts[lower][c]), ""
            else:
                low, up = normalize_header(filled[lower][c]), normalize_header(filled[upper][c])
                text = low or up
                group = up if low and up != low else ""
            if text:
                headers.append(Header(text=text, column=c, group=group))
        if len(headers) > self.max_columns:
            raise SpreadsheetError(
                _(
                    "Sheet “%(sheet)s”, row %(row)s: the header row has %(count)s columns; at most "
                    "%(limit)s are allowed. Delete the columns that are not needed and import again."
                ),
                code="too_many_columns",
                sheet=sheet_name,
                row=lower + 1,
                count=len(headers),
                limit=self.max_columns,
            )
        return headers, lower

    def _is_sub_header(
        self,
        keys: list[str],
        texts: list[str],
        is_text: list[bool],
        grouped: set[int],
        header_keys: list[str],
    ) -> bool:
        """Whether the row under the header row is the lower half of a two-level header.

        A lower header fills only the columns under a group label ("联系方式", merged across its columns
        or not) or left empty above; a data row fills the columns the header row names (姓名, 身份证号).
        Text that looks like data (six digits or more: an ID number, a phone, a date) never makes a
        header, whatever else the row holds — a first data row whose 证件类型 reads "身份证" included.
        """
        filled = [c for c, text in enumerate(texts) if text]
        if not filled or not all(is_text[c] for c in filled):
            return False
        if any(sum(ch.isdigit() for ch in texts[c]) >= 6 for c in filled):
            return False
        under_a_group = all(
            c in grouped or not (header_keys[c] and self.is_known(header_keys[c])) for c in filled
        )
        return under_a_group and (bool(grouped) or any(key and self.is_known(key) for key in keys))


# -- CSV and other text ------------------------------------------------------------------------------
