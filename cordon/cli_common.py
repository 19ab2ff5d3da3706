"""What every ``cordon`` command shares: Django set up, the acting user, an area, and a refusal."""

from __future__ import annotations

import os

from django.utils.translation import gettext as _


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.environment import keep_installation_files

    keep_installation_files()  # var/ and the secret key, before the settings read them
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(os.environ.get("CORDON_LANGUAGE", settings.LANGUAGE_CODE))


class CommandError(Exception):
    """A refusal to report on stderr with exit status 1."""


def _actor(args):
    from cordon.accounts.models import User
    from cordon.accounts.services import operator_account

    if not getattr(args, "as_user", None):
        return operator_account()
    try:
        return User.objects.get(username=args.as_user, is_active=True)
    except User.DoesNotExist:
        raise CommandError(_("No active user named %(name)s.") % {"name": args.as_user}) from None


def _area(actor, code: str):
    from cordon.accounts.scope import visible_area

    return visible_area(actor, code)
