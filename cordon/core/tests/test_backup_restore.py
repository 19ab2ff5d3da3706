"""``cordon backup`` / ``cordon restore``: the rows and the keys in one encrypted file; a printed pass
verifies after a restore onto an empty database; a wrong passphrase, a cut-off or altered file and a
database that is not empty are refused with nothing written; a server given passes without their key
refuses to start."""

import pytest
from django.core import checks
from django.utils import translation

from cordon.cli import main
from cordon.core import backup, keys
from cordon.core.models import AuditEntry, InstallationKey
from cordon.lockdowns import tokens
from cordon.lockdowns.models import ExitPass
from cordon.lockdowns.services import pass_token
from cordon.people.models import Person

PASSPHRASE = "tangerli-backup-2020"


@pytest.fixture
def installation(settings, tmp_path, monkeypatch):
    """A server of its own: var/ in tmp, keys read anew, the passphrase in the environment."""
    for env, _filename in keys.INSTALLATION_KEYS.values():
        monkeypatch.delenv(env, raising=False)
    monkeypatch.delenv("CORDON_SECRET_KEY", raising=False)
    monkeypatch.setenv(backup.PASSPHRASE_ENV, PASSPHRASE)
    settings.VAR_DIR = tmp_path / "town"
    settings.VAR_DIR.mkdir()
    keys.forget_loaded()
    keys.forget_remembered()
    translation.activate("zh-hans")
    yield tmp_path
    keys.forget_loaded()
    keys.forget_remembered()


def counts():
    return {
        "people": Person.objects.count(),
        "passes": ExitPass.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def as_migrate_leaves_it():
    """The database as `cordon migrate` leaves a new one: emptied, then every data step of every
    migration run again (the shipped categories, protocol editions, stock items, the operator)."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    backup.empty_tables()
    editor = SimpleNamespace(connection=connection)
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    done = set()
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key in done or key[0] not in {config.label for config in apps.get_app_configs()}:
                continue
            done.add(key)
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, editor)


def move_to_an_empty_server(settings, tmp_path, name="new"):
    """Another machine: a database as `cordon migrate` leaves it, an empty var/."""
    as_migrate_leaves_it()
    settings.VAR_DIR = tmp_path / name
    settings.VAR_DIR.mkdir()
    keys.forget_loaded()
    keys.forget_remembered()


def test_a_database_as_migrate_leaves_it_is_empty_to_restore(db):
    """A new server's `cordon migrate` writes the shipped rows (categories, editions, stock items, the
    operator); a restore onto it must not call it "not empty" (it did, once stock items were shipped)."""
    as_migrate_leaves_it()
    assert backup.rows_beyond_migrations() == {}


def test_restore_onto_an_empty_database_brings_back_rows_and_keys_so_a_printed_pass_verifies(
    world, installation, settings, capsys
):
    token = pass_token(world.exit_pass)  # the card printed before the backup
    before = counts()
    old_key = (settings.VAR_DIR / "pass_signing_key.pem").read_bytes()
    file = installation / "town.cbk"
    assert main(["backup", str(file)]) == 0
    assert "已将" in capsys.readouterr().out
    assert file.stat().st_mode & 0o777 == 0o600
    assert b"ExitPass" not in file.read_bytes() and old_key not in file.read_bytes()  # all encrypted

    move_to_an_empty_server(settings, installation)
    assert counts() == {"people": 0, "passes": 0, "audit": 0}
    assert main(["restore", str(file), "--json"]) == 0
    capsys.readouterr()

    assert counts() == before
    assert (settings.VAR_DIR / "pass_signing_key.pem").read_bytes() == old_key
    assert (settings.VAR_DIR / "pass_signing_key.pem").stat().st_mode & 0o777 == 0o600
    assert tokens.read(token).payload["p"] == world.exit_pass.pk  # the printed card still verifies
    assert tokens.read(pass_token(ExitPass.objects.get(pk=world.exit_pass.pk))).payload  # and new ones
    assert not [m for m in checks.run_checks() if m.id == "lockdowns.E001"]


def test_refuses_a_wrong_passphrase_a_cut_off_or_altered_file_and_a_full_database(
    world, installation, settings, monkeypatch, capsys
):
    pass_token(world.exit_pass)
    file = installation / "town.cbk"
    assert main(["backup", str(file)]) == 0
    assert main(["backup", str(file)]) == 1  # never over an existing file without --force
    assert "已存在" in capsys.readouterr().err
    assert main(["backup", str(installation / "no" / "such" / "dir.cbk")]) == 1
    assert "无法写入" in capsys.readouterr().err

    # Not empty: refused, nothing changed.
    before = counts()
    assert main(["restore", str(file)]) == 1
    assert "数据库不是空的" in capsys.readouterr().err
    assert counts() == before

    data = file.read_bytes()
    cut = installation / "cut.cbk"
    cut.write_bytes(data[: len(data) // 2])
    altered = installation / "altered.cbk"
    middle = len(data) // 2
    altered.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])
    move_to_an_empty_server(settings, installation)

    refusals = [
        ({backup.PASSPHRASE_ENV: "another-passphrase-1"}, file, "口令错误"),
        ({}, cut, "不完整"),
        ({}, altered, "已被改动或损坏"),
        ({}, installation / "missing.cbk", "无法读取"),
        ({backup.PASSPHRASE_ENV: ""}, file, "CORDON_BACKUP_PASSPHRASE"),
    ]
    for env, path, message in refusals:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(["restore", str(path)]) == 1
        assert message in capsys.readouterr().err
        monkeypatch.setenv(backup.PASSPHRASE_ENV, PASSPHRASE)
        assert counts() == {"people": 0, "passes": 0, "audit": 0}  # nothing half-written
        assert list(settings.VAR_DIR.iterdir()) == []  # and no key

    assert main(["restore", str(file), "--keys-only"]) == 0
    assert (settings.VAR_DIR / "pass_signing_key.pem").exists()


def test_the_server_refuses_to_start_with_passes_but_not_their_key(world, installation, settings, capsys):
    pass_token(world.exit_pass)  # the database now remembers the key its cards carry
    file = installation / "town.cbk"
    assert main(["backup", str(file)]) == 0
    remembered = InstallationKey.objects.get(name="pass_signing").fingerprint

    # The same database on a server without the key (var/ lost, or the data copied elsewhere).
    settings.VAR_DIR = installation / "lost"
    settings.VAR_DIR.mkdir()
    keys.forget_loaded()
    errors = [m for m in checks.run_checks() if m.id == "lockdowns.E001"]
    assert len(errors) == 1 and "没有通行证签名密钥" in errors[0].msg
    assert "cordon restore 备份文件 --keys-only" in errors[0].msg
    assert main(["serve", "--port", "8659", "--no-worker"]) == 1
    assert "lockdowns.E001" in capsys.readouterr().err

    # Another key there (made by a new installation): refused too, naming the fingerprint expected.
    tokens.private_key()
    errors = [m for m in checks.run_checks() if m.id == "lockdowns.E001"]
    assert len(errors) == 1 and remembered in errors[0].msg and "另一个通行证签名密钥" in errors[0].msg

    # The key put back from the backup: the server may start.
    (settings.VAR_DIR / "pass_signing_key.pem").unlink()
    assert main(["restore", str(file), "--keys-only"]) == 0
    assert "数据库保持原样" in capsys.readouterr().out
    assert not [m for m in checks.run_checks() if m.id == "lockdowns.E001"]


def test_a_database_without_passes_needs_no_key(db, installation):
    assert not ExitPass.objects.exists()
    assert not [m for m in checks.run_checks() if m.id == "lockdowns.E001"]


def test_passes_whose_card_was_never_printed_need_no_key_yet(world, installation):
    # `make run`: the demo town loaded, nothing signed yet; the first card printed makes the key.
    InstallationKey.objects.all().delete()
    assert ExitPass.objects.exists() and keys.stored_pem("pass_signing") is None
    assert not [m for m in checks.run_checks() if m.id == "lockdowns.E001"]


def test_keys_only_refuses_another_installations_key(world, installation, settings, capsys):
    other = installation / "other.cbk"
    keys.forget_loaded()
    tokens.private_key()  # an installation whose key never signed these passes
    assert main(["backup", str(other)]) == 0
    InstallationKey.objects.all().delete()
    settings.VAR_DIR = installation / "second"
    settings.VAR_DIR.mkdir()
    keys.forget_loaded()
    keys.forget_remembered()
    pass_token(world.exit_pass)  # this database's passes: another key
    (settings.VAR_DIR / "pass_signing_key.pem").unlink()
    assert main(["restore", str(other), "--keys-only"]) == 1
    assert "来自另一套安装" in capsys.readouterr().err
    assert not (settings.VAR_DIR / "pass_signing_key.pem").exists()


def test_the_server_refuses_to_start_without_the_federation_key_its_peers_know(db, installation, settings):
    from cordon.federation import keys as federation_keys

    federation_keys.sign(b"a report")  # a package sent: the database now remembers the key
    file = installation / "town.cbk"
    assert main(["backup", str(file)]) == 0
    remembered = InstallationKey.objects.get(name="federation").fingerprint

    settings.VAR_DIR = installation / "new-disk"
    settings.VAR_DIR.mkdir()
    keys.forget_loaded()
    federation_keys.private_key()  # a fresh installation makes itself a new key
    errors = [m for m in checks.run_checks() if m.id == "federation.E001"]
    assert len(errors) == 1 and remembered in errors[0].msg and "--keys-only" in errors[0].msg

    (settings.VAR_DIR / "federation_key.pem").unlink()
    assert main(["restore", str(file), "--keys-only"]) == 0
    keys.forget_loaded()
    assert not [m for m in checks.run_checks() if m.id == "federation.E001"]
