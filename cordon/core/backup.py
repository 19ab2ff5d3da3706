"""``cordon backup`` and ``cordon restore``: the database's rows and the installation's keys in one
file, encrypted with a passphrase, and put back onto an empty database all or nothing.

The file::

    CORDON-BACKUP 1\\n
    {header: format, scrypt's parameters and salt, a nonce prefix, a passphrase check}\\n
    chunks: [4-byte length][AES-256-GCM ciphertext and tag] …

Every chunk is sealed with the header (its SHA-256) and its own number, and the last one says it is
the last: a wrong passphrase, a changed byte anywhere, chunks reordered, dropped or cut off are each
found before anything is written. The plaintext, compressed with zlib, is JSON lines: first the
manifest (the keys' PEMs, the secret key, the applied migrations, the database it came from), then
one line per row as Django serialises it, then a trailer with the number of rows per model.

Everything is encrypted, not only the keys: the rows hold ID numbers, phones and password hashes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from cordon.core import keys

MAGIC = b"CORDON-BACKUP 1\n"
CHUNK = 1 << 20  # plaintext bytes per sealed chunk
MAX_CHUNK = CHUNK + 64
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
PASSPHRASE_ENV = "CORDON_BACKUP_PASSPHRASE"  # noqa: S105 — the variable's name
MIN_PASSPHRASE = 12
# Rows that `cordon migrate` itself puts in a new database: a target holding only these is empty.
FROM_MIGRATIONS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "people.riskcategory",
    "observation.protocoledition",
    "stock.item",
}
OPERATOR = "system"
NOT_CARRIED = {"sessions.session"}  # a restored server starts with nobody logged in


class BackupError(Exception):
    """A refusal, with the reason in the operator's language; nothing was written."""


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    created: str = ""
    vendor: str = ""

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def passphrase_from_environment(*, making: bool) -> bytes:
    value = os.environ.get(PASSPHRASE_ENV, "")
    if not value:
        raise BackupError(
            _("Set %(env)s to the backup's passphrase (it is never written anywhere).")
            % {"env": PASSPHRASE_ENV}
        )
    if making and len(value) < MIN_PASSPHRASE:
        raise BackupError(
            _("The passphrase in %(env)s is too short: at least %(n)s characters.")
            % {"env": PASSPHRASE_ENV, "n": MIN_PASSPHRASE}
        )
    return value.encode()


def _derive(passphrase: bytes, salt: bytes, params: dict) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=params["n"], r=params["r"], p=params["p"]).derive(passphrase)
    return material[:32], hashlib.sha256(b"cordon-backup-check" + material[32:]).digest()


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">Q", number)


def _aad(header_digest: bytes, number: int, last: bool) -> bytes:
    return header_digest + struct.pack(">QB", number, 1 if last else 0)


# ---------------------------------------------------------------------------------------------------
# Making a backup


def _models():
    """Every concrete model whose rows the backup carries, many-to-many tables riding with their model."""
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in NOT_CARRIED:
            continue
        yield model


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _manifest() -> dict:
    carried = {}
    for name in keys.INSTALLATION_KEYS:
        pem = keys.stored_pem(name)
        if pem is not None:
            carried[name] = pem.decode()
    from django.utils import timezone

    return {
        "cordon_backup": 1,
        "created": timezone.now().isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "keys": carried,
        "secret_key": settings.SECRET_KEY,
        "migrations": _applied_migrations(),
    }


def _lines() -> Iterator[bytes]:
    """The plaintext: manifest, rows, trailer — read in one snapshot of the database."""
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:  # one consistent view of every table (inside a caller's transaction: its view)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        manifest = _manifest()
        yield json.dumps(manifest, ensure_ascii=False).encode() + b"\n"
        counts: Counter = Counter()
        for model in _models():
            rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
            for row in serializers.serialize("python", rows):
                counts[model._meta.label_lower] += 1
                yield json.dumps(row, ensure_ascii=False, cls=_Encoder).encode() + b"\n"
        yield json.dumps({"cordon_end": dict(counts)}).encode() + b"\n"


class _Encoder(json.JSONEncoder):
    def default(self, o):
        from django.core.serializers.json import DjangoJSONEncoder

        return DjangoJSONEncoder().default(o)


def _sealed(plain: Iterator[bytes], passphrase: bytes) -> Iterator[bytes]:
    salt, prefix = os.urandom(16), os.urandom(4)
    key, check = _derive(passphrase, salt, SCRYPT)
    header = json.dumps(
        {
            "format": 1,
            "kdf": {"name": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode()},
            "cipher": "AES-256-GCM",
            "nonce_prefix": base64.b64encode(prefix).decode(),
            "check": base64.b64encode(check).decode(),
            "compression": "zlib",
        }
    ).encode()
    yield MAGIC + header + b"\n"
    digest = hashlib.sha256(header).digest()
    aes = AESGCM(key)
    compressor = zlib.compressobj(6)
    pending = b""
    number = 0

    def seal(data: bytes, last: bool) -> bytes:
        sealed = aes.encrypt(_nonce(prefix, number), data, _aad(digest, number, last))
        return struct.pack(">I", len(sealed)) + sealed

    for line in plain:
        pending += compressor.compress(line)
        while len(pending) >= CHUNK:
            yield seal(pending[:CHUNK], False)
            pending = pending[CHUNK:]
            number += 1
    pending += compressor.flush()
    while len(pending) > CHUNK:
        yield seal(pending[:CHUNK], False)
        pending = pending[CHUNK:]
        number += 1
    yield seal(pending, True)


def backup_write(path: Path, *, passphrase: bytes, force: bool = False) -> Summary:
    """Write the backup to ``path`` (0600), through a temporary file renamed at the end."""
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(_("%(path)s exists already; give another name or --force.") % {"path": path})
    partial = path.with_name(path.name + ".partial")
    counts: dict = {}
    manifest: dict = {}

    def watched():
        for line in _lines():
            if line.startswith(b'{"cordon_end"'):
                counts.update(json.loads(line)["cordon_end"])
            elif not manifest:
                manifest.update(json.loads(line))
            yield line

    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise BackupError(
            _("Cannot write %(path)s (%(error)s).") % {"path": path, "error": exc.strerror}
        ) from None
    try:
        with os.fdopen(descriptor, "wb") as out:
            for piece in _sealed(watched(), passphrase):
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(
        rows=counts, keys=sorted(manifest["keys"]), created=manifest["created"], vendor=connection.vendor
    )


# ---------------------------------------------------------------------------------------------------
# Reading one


def _opened(path: Path, passphrase: bytes) -> Iterator[bytes]:
    """The plaintext's pieces, each checked before it is given; BackupError on the first fault."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 — closed below
    except OSError as exc:
        raise BackupError(
            _("Cannot read %(path)s (%(error)s).") % {"path": path, "error": exc.strerror}
        ) from None
    with handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise BackupError(_("%(path)s is not a Cordon backup.") % {"path": path})
        header = handle.readline(4096)
        try:
            meta = json.loads(header)
            salt = base64.b64decode(meta["kdf"]["salt"])
            prefix = base64.b64decode(meta["nonce_prefix"])
            params = {k: int(meta["kdf"][k]) for k in ("n", "r", "p")}
            check = base64.b64decode(meta["check"])
            if meta["format"] != 1 or params["n"] > 1 << 20 or params["r"] > 32 or params["p"] > 16:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise BackupError(_("The backup's header is damaged; the file cannot be read.")) from None
        header = header.rstrip(b"\n")
        key, expected = _derive(passphrase, salt, params)
        if expected != check:
            raise BackupError(
                _("Wrong passphrase: this backup was made with another one. Nothing was written.")
            )
        digest = hashlib.sha256(header).digest()
        aes = AESGCM(key)
        decompressor = zlib.decompressobj()
        number = 0
        while True:
            size_bytes = handle.read(4)
            if len(size_bytes) < 4:
                raise BackupError(_("The backup is incomplete (cut off); nothing was written."))
            (size,) = struct.unpack(">I", size_bytes)
            sealed = handle.read(size) if size <= MAX_CHUNK else b""
            if len(sealed) != size or size > MAX_CHUNK:
                raise BackupError(_("The backup is incomplete (cut off); nothing was written."))
            last = handle.peek(1)[:1] == b""
            try:
                data = aes.decrypt(_nonce(prefix, number), sealed, _aad(digest, number, last))
            except InvalidTag:
                if last:
                    try:  # sealed as not-last: chunks were cut off after it
                        aes.decrypt(_nonce(prefix, number), sealed, _aad(digest, number, False))
                        raise BackupError(_("The backup is incomplete (cut off); nothing was written."))
                    except InvalidTag:
                        pass
                raise BackupError(
                    _("The backup has been altered or damaged (part %(n)s); nothing was written.")
                    % {"n": number + 1}
                ) from None
            yield decompressor.decompress(data)
            number += 1
            if last:
                break
        yield decompressor.flush()
        if not decompressor.eof:
            raise BackupError(_("The backup is incomplete (cut off); nothing was written."))


def _records(path: Path, passphrase: bytes) -> Iterator[dict]:
    buffer = b""
    for piece in _opened(path, passphrase):
        buffer += piece
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if line:
                yield json.loads(line)
    if buffer.strip():
        yield json.loads(buffer)


def backup_read(path: Path, *, passphrase: bytes) -> tuple[dict, dict]:
    """Check the whole file (every chunk, the trailer's counts); return its manifest and counts."""
    manifest, counts, seen = None, None, Counter()
    for record in _records(path, passphrase):
        if manifest is None:
            manifest = record
        elif "cordon_end" in record:
            counts = record["cordon_end"]
        else:
            seen[record["model"]] += 1
    if manifest is None or counts is None or dict(seen) != counts:
        raise BackupError(_("The backup is incomplete (cut off); nothing was written."))
    return manifest, counts


# ---------------------------------------------------------------------------------------------------
# Restoring


def rows_beyond_migrations() -> dict[str, int]:
    """What the database holds besides what `cordon migrate` puts in a new one."""
    found = {}
    for model in _models():
        label = model._meta.label_lower
        if label in FROM_MIGRATIONS:
            continue
        rows = model._base_manager.all()
        if label == settings.AUTH_USER_MODEL.lower():
            rows = rows.exclude(username=OPERATOR)
        count = rows.count()
        if count:
            found[label] = count
    return found


def _check_migrations(manifest: dict) -> None:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    theirs = {tuple(m) for m in manifest["migrations"]}
    unknown = sorted(theirs - known)
    if unknown:
        raise BackupError(
            _(
                "The backup comes from a newer Cordon (it has migration %(name)s, which this one does "
                "not know). Restore it with that version or a later one."
            )
            % {"name": "/".join(unknown[0])}
        )
    if set(MigrationRecorder(connection).applied_migrations()) != theirs:
        # Bring the tables to the state the rows were written in; later migrations run after the load.
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        targets = [
            node
            for node in theirs
            if not any(
                child.key[0] == node[0] and child.key in theirs for child in graph.node_map[node].children
            )
        ]
        executor.migrate(targets)


def _migrate_to_latest() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _key_conflicts(manifest: dict) -> None:
    """A key set in the environment cannot be replaced from a file: it must already be the backup's."""
    for name, pem in manifest["keys"].items():
        if keys.from_environment(name) and keys.fingerprint_of_pem(
            keys.stored_pem(name)
        ) != keys.fingerprint_of_pem(pem.encode()):
            raise BackupError(
                _(
                    "%(env)s is set to another key than the backup's. Unset it (the restored key is then "
                    "kept in %(path)s) or set it to the backup's key; nothing was written."
                )
                % {"env": keys.INSTALLATION_KEYS[name][0], "path": keys.key_path(name)}
            )


def _write_keys(manifest: dict) -> list[Path]:
    """Each key of the backup into var/ (0600), an older different one kept beside as *.before-restore."""
    written = []
    files = [
        (keys.key_path(name), pem.encode(), keys.from_environment(name))
        for name, pem in manifest["keys"].items()
    ]
    if manifest.get("secret_key"):
        files.append(
            (
                settings.VAR_DIR / "secret_key",
                manifest["secret_key"].encode(),
                bool(os.environ.get("CORDON_SECRET_KEY")),
            )
        )
    for path, data, from_env in files:
        if from_env:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes().strip() != data.strip():
            os.replace(path, path.with_name(path.name + ".before-restore"))
        temporary = path.with_name(path.name + ".restoring")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        written.append(path)
    return written


def _forget_loaded_keys() -> None:
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    keys.forget_remembered()
    keys.forget_loaded()


def empty_tables() -> None:
    """Delete every row a backup carries (and the sessions), in the caller's transaction."""
    models = list(_models())
    tables = [m._meta.db_table for m in models] + [
        f.remote_field.through._meta.db_table
        for m in models
        for f in m._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created
    ]
    if apps.is_installed("django.contrib.sessions"):
        tables.append(apps.get_model("sessions", "Session")._meta.db_table)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # TRUNCATE refuses while deferred checks are pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore(path: Path, *, passphrase: bytes, force: bool = False, keys_only: bool = False) -> Summary:
    """Put the backup's rows and keys back, all or nothing.

    The whole file is checked first (passphrase, every chunk, the row counts); then the target must
    hold nothing beyond what `cordon migrate` makes (unless ``force``); the rows are loaded in one
    transaction, and the keys are written only when the rows are in.
    """
    manifest, counts = backup_read(path, passphrase=passphrase)
    _key_conflicts(manifest)
    if keys_only:
        return _restore_keys_only(manifest)
    _check_migrations(manifest)
    beyond = rows_beyond_migrations()
    if beyond and not force:
        sample = "、".join(f"{label} {n}" for label, n in sorted(beyond.items())[:5])
        raise BackupError(
            _(
                "The database is not empty (%(rows)s …). Restore onto an empty database (after "
                "`cordon migrate`), or give --force to replace everything in it; nothing was written."
            )
            % {"rows": sample}
        )
    models = list(_models())
    with transaction.atomic():
        empty_tables()
        loaded = _load(_records(path, passphrase))
        if dict(loaded) != counts:
            raise BackupError(_("The backup changed while it was being restored; nothing was written."))
        sequences = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
        connection.check_constraints()
        _write_keys(manifest)
    _forget_loaded_keys()
    _migrate_to_latest()  # a backup of an older Cordon: its rows, then the migrations since
    return Summary(
        rows=counts, keys=sorted(manifest["keys"]), created=manifest["created"], vendor=manifest["vendor"]
    )


def _load(records: Iterator[dict]) -> Counter:
    """Insert the rows, a few hundred at a time per model (no signals: they are rows, not acts)."""
    loaded: Counter = Counter()
    batch: list = []

    def flush():
        if not batch:
            return
        model = type(batch[0].object)
        if model._meta.parents:  # multi-table inheritance: bulk_create cannot, one by one
            for item in batch:
                item.save()
        else:
            model._base_manager.bulk_create([item.object for item in batch], batch_size=500)
            for item in batch:
                for name, values in (item.m2m_data or {}).items():
                    getattr(item.object, name).set(values)
        batch.clear()

    next(records)  # the manifest, read already
    for record in records:
        if "cordon_end" in record:
            break
        for item in serializers.deserialize("python", [record]):
            if batch and type(batch[0].object) is not type(item.object):
                flush()
            batch.append(item)
            if len(batch) >= 2000:
                flush()
        loaded[record["model"]] += 1
    flush()
    return loaded


def _restore_keys_only(manifest: dict) -> Summary:
    """Only the keys, for a server that kept its database and lost its keys: the backup's pass key must
    be the one the database remembers."""
    pem = manifest["keys"].get("pass_signing")
    remembered = keys.remembered_fingerprint("pass_signing")
    if remembered and pem and keys.fingerprint_of_pem(pem.encode()) != remembered:
        raise BackupError(
            _(
                "This backup's pass-signing key (%(theirs)s) is not the one this database's passes were "
                "signed with (%(ours)s): it comes from another installation. Nothing was written."
            )
            % {"theirs": keys.fingerprint_of_pem(pem.encode()), "ours": remembered}
        )
    manifest = {**manifest, "secret_key": None}
    _write_keys(manifest)
    _forget_loaded_keys()
    return Summary(keys=sorted(manifest["keys"]), created=manifest["created"], vendor=manifest["vendor"])


__all__ = ["BackupError", "Summary", "backup_read", "backup_write", "passphrase_from_environment", "restore"]
