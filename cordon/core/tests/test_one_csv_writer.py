"""Issue 21: one CSV writer for every export, so every export neutralises formulas the same way."""

from pathlib import Path

import cordon
from cordon.core.spreadsheet_writers import csv_chunks


def test_only_the_spreadsheet_writers_write_csv():
    root = Path(cordon.__file__).parent
    writers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "csv.writer(" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["core/spreadsheet_writers.py"]


def test_the_writer_writes_formulas_as_text_and_numbers_as_numbers():
    text = b"".join(csv_chunks(["a"], [["=1+1"], ["+86 138"], ["-5"], ["@x"], ["\t=1"], ["普通"]])).decode(
        "utf-8-sig"
    )
    assert text.splitlines() == ["a", "'=1+1", "'+86 138", "-5", "'@x", "'\t=1", "普通"]
