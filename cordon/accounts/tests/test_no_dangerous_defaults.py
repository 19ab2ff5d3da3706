"""No form starts on a dangerous choice, and actions that cannot be undone ask once, naming what
happens (the page's script asks with the form's data-confirm text)."""

import re

from cordon.accounts.models import Role, RoleAssignment


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_the_grant_a_role_form_starts_empty_and_refuses_an_empty_grant(world, client):
    client.force_login(world.commander)
    page = client.get(f"/accounts/users/{world.other_clerk.pk}/").content.decode()
    assert _selected(page, "role") in ([], [""]) and _selected(page, "area") in ([], [""])
    assert '<option value="" selected>—</option>' in page or '<option value="">—</option>' in page
    before = RoleAssignment.objects.filter(user=world.other_clerk).count()
    answer = client.post(
        f"/accounts/users/{world.other_clerk.pk}/roles/", {"role": "", "area": ""}, follow=True
    )
    assert RoleAssignment.objects.filter(user=world.other_clerk).count() == before
    assert not RoleAssignment.objects.filter(user=world.other_clerk, role=Role.COMMANDER).exists()
    assert answer.status_code == 200


def test_revoking_a_pass_asks_first_naming_what_happens(world, client):
    client.force_login(world.commander)
    page = client.get(f"/lockdowns/passes/{world.exit_pass.pk}/").content.decode()
    assert 'data-confirm="确定吊销此通行证？' in page
