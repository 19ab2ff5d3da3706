"""A server given passes without the key that signed them refuses to start (``cordon serve``,
``manage.py check`` and ``runserver`` run this): otherwise it would make a new key, and every card
already printed would fail at the gate without a word."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _

from cordon.core import keys


def pass_key_problem() -> str | None:
    """The reason, in the operator's language, why the pass-signing key does not fit the passes in the
    database; None when it fits (or there are no passes, or no database yet)."""
    from cordon.lockdowns.models import ExitPass

    try:
        if not ExitPass.objects.exists():
            return None
        # Only a key that signed a card is remembered: passes never printed (the demo town just
        # loaded) need none yet, and the first card printed makes it.
        problem = keys.mismatch("pass_signing")
        remembered = keys.remembered_fingerprint("pass_signing")
    except (DatabaseError, RuntimeError):  # not migrated yet, or no database in this process
        return None
    if problem is None:
        return None
    env, _filename = keys.INSTALLATION_KEYS["pass_signing"]
    where = {"path": keys.key_path("pass_signing"), "env": env}
    if problem == "missing":
        why = (
            _(
                "The database holds exit passes, but this server has no pass-signing key "
                "(neither %(env)s nor %(path)s)."
            )
            % where
        )
    else:
        why = _(
            "The database holds exit passes signed with another pass-signing key (fingerprint %(expected)s) "
            "than this server's (%(env)s or %(path)s)."
        ) % {**where, "expected": remembered or "?"}
    return (
        why
        + " "
        + _(
            "Starting would make every printed exit pass fail at the gate. Put the key back from the "
            "backup: `cordon restore FILE --keys-only` (with CORDON_BACKUP_PASSPHRASE), or set %(env)s "
            "to the key the passes were signed with."
        )
        % where
    )


@checks.register()
def pass_signing_key(app_configs, **kwargs):
    problem = pass_key_problem()
    return [checks.Error(problem, id="lockdowns.E001")] if problem else []
