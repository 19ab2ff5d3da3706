import io

from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx
from cordon.people.importer import run_import
from cordon.people.testing import id_number

__all__ = ["id_number", "imp", "put", "xlsx"]


def xlsx(rows, headers, sheets=None):
    buffer = io.BytesIO()
    specs = sheets or [SheetSpec("台账", [Column(h, text=True) for h in headers], rows)]
    write_xlsx(buffer, specs, properties={})
    return buffer.getvalue()


def put(tmp_path, data, name="台账.xlsx"):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def imp(world, path, actor=None, area=None, dry_run=False, **kw):
    return run_import(
        actor=actor or world.commander,
        area=area or world.town,
        source=str(path),
        filename=path.name,
        dry_run=dry_run,
        **kw,
    )
