"""No page posts a field twice: a second input of the same name in one form overwrites the first (the
case form's source section once reused ``authority``/``number`` and the empty copy won). Every page
without parameters, and the record pages of the world, as the roles that fill their forms."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cordon.core.testing import form_field_names


def _pages(resolver=None, prefix="") -> list[str]:
    """The paths of every URL that takes no parameter."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            found += _pages(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append("/" + prefix + route)
    return sorted(set(found))


def _record_pages(world) -> list[str]:
    return [
        f"/cases/{world.case.pk}/",
        f"/cases/{world.case.pk}/contacts/",
        f"/cases/new/?person={world.zhou.pk}",
        f"/cases/sites/{world.site.pk}/",
        f"/people/{world.yin.pk}/",
        f"/people/{world.yin.pk}/edit/",
        f"/observation/periods/{world.yin_period.pk}/",
        f"/checkpoints/{world.sjf_gate.pk}/",
        f"/checkpoints/{world.sjf_gate.pk}/gate/",
        f"/lockdowns/{world.lockdown.pk}/",
        f"/lockdowns/passes/{world.exit_pass.pk}/",
    ]


# Rows of a list, read with ``getlist`` (the gate's people on board, the contacts traced in one go).
ROWS = ("occupant_", "row_")


def _repeated(html: str) -> set[str]:
    return {
        name
        for names in form_field_names(html)
        for name in names
        if names.count(name) > 1 and not name.startswith(ROWS)
    }


@pytest.mark.parametrize("who", ["commander", "health", "clerk", "guard"])
def test_no_form_posts_a_field_twice(world, client, who):
    client.force_login(getattr(world, who))
    checked, faults = 0, {}
    for path in [*_pages(), *_record_pages(world)]:
        if any(part in path for part in ("logout", "/api/", "export", ".csv", ".xlsx", "download")):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        repeated = _repeated(response.content.decode())
        if repeated:
            faults[path] = repeated
    assert checked > 10
    assert not faults
