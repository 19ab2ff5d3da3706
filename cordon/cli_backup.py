"""``cordon backup`` and ``cordon restore``: the database and the installation's keys, in one
encrypted file (cordon/core/backup.py)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from cordon.cli_common import CommandError


def cmd_backup(args) -> int:
    from cordon.core import backup

    try:
        passphrase = backup.passphrase_from_environment(making=True)
        summary = backup.backup_write(args.file, passphrase=passphrase, force=args.force)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
    return _print(args, summary, _("Backed up %(rows)s rows and the keys (%(keys)s) into %(file)s."))


def cmd_restore(args) -> int:
    from cordon.core import backup

    try:
        passphrase = backup.passphrase_from_environment(making=False)
        summary = backup.restore(args.file, passphrase=passphrase, force=args.force, keys_only=args.keys_only)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
    if args.keys_only:
        return _print(
            args, summary, _("Restored the keys (%(keys)s) from %(file)s; the database is as it was.")
        )
    return _print(args, summary, _("Restored %(rows)s rows and the keys (%(keys)s) from %(file)s."))


def _print(args, summary, text: str) -> int:
    if args.json:
        data = {
            "file": str(args.file),
            "rows": summary.rows,
            "keys": summary.keys,
            "created": summary.created,
        }
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(text % {"rows": summary.total, "keys": "、".join(summary.keys) or "—", "file": args.file})
    return 0
