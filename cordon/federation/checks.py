"""A server that signed packages with one federation key and comes up with another refuses to start
(``cordon serve``, ``manage.py check`` and ``runserver`` run this): its parent and peers know it by
the old key's fingerprint and would refuse every package it sent from then on."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _

from cordon.core import keys


def federation_key_problem() -> str | None:
    """Why this server's federation key is not the one its packages were signed with; None when it
    is (or nothing was ever signed, or there is no database yet)."""
    try:
        problem = keys.mismatch("federation")
        remembered = keys.remembered_fingerprint("federation")
    except (DatabaseError, RuntimeError):  # not migrated yet, or no database in this process
        return None
    if problem is None:
        return None
    env, _filename = keys.INSTALLATION_KEYS["federation"]
    return _(
        "This server signed reports and hand-overs with a federation key (fingerprint %(expected)s) "
        "that it no longer has (%(env)s or %(path)s): its parent and peers know it by that key and "
        "would refuse every package it sends. Put the key back from the backup: "
        "`cordon restore FILE --keys-only` (with CORDON_BACKUP_PASSPHRASE), or set %(env)s to it."
    ) % {"expected": remembered or "?", "env": env, "path": keys.key_path("federation")}


@checks.register()
def federation_key(app_configs, **kwargs):
    problem = federation_key_problem()
    return [checks.Error(problem, id="federation.E001")] if problem else []
