from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class ColourRulesQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class ColourRules(models.Model):
    """A town's own rules for the status colour (see ``colours.rules``); a town without a row uses
    the defaults."""

    area = models.OneToOneField(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    rules = models.JSONField(_("rules"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ColourRulesQuerySet.as_manager()

    class Meta:
        verbose_name = _("status colour rules")
        verbose_name_plural = _("status colour rules")

    def __str__(self):
        return f"{self.area_id}"
