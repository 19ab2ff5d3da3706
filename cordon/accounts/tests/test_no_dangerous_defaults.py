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


# Every choice that says what a record is, or where it belongs, starts unchosen: the contact's degree,
# a case's classification, the reason for observation, a ledger category, an enterprise's sector,
# a person's village, a site, a kind. A select without an empty option shows its first as chosen.
FORM_PAGES = [
    ("health", "/cases/new/", ["classification"]),
    ("health", "/cases/{case}/contacts/", ["degree", "setting"]),
    ("health", "/cases/sites/new/", ["area"]),
    ("health", "/observation/open/{zhou}/", ["reason"]),
    ("health", "/observation/periods/{period}/", ["slot"]),  # a wrong one corrects another check
    ("commander", "/enterprises/new/", ["area", "sector"]),
    ("commander", "/forces/personnel/new/", ["kind", "area"]),
    ("commander", "/forces/teams/new/", ["kind", "area"]),
    ("commander", "/checkpoints/new/", ["kind", "area"]),
    ("commander", "/lockdowns/{lockdown}/", ["kind"]),
    ("commander", "/operations/disinfection/new/", ["area", "kind", "method"]),
    ("commander", "/operations/rumours/new/", ["area"]),
    ("commander", "/people/register/", ["area"]),
    ("commander", "/people/{zhou}/", ["category"]),
    ("commander", "/accounts/users/new/", ["area"]),
]


def _shown_as_chosen(html: str, name: str) -> list[str]:
    """What a browser shows chosen in each select called ``name``: the selected option, else the first."""
    shown = []
    for select in re.findall(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S):
        options = re.findall(r'<option value="([^"]*)"([^>]*)>', select)
        chosen = [value for value, attrs in options if "selected" in attrs] or [options[0][0]]
        shown.append(chosen[0])
    return shown


def test_no_form_starts_on_a_choice_of_its_own(world, client):
    ids = {
        "case": world.case.pk,
        "zhou": world.zhou.pk,
        "lockdown": world.lockdown.pk,
        "period": world.yin_period.pk,
    }
    chosen = {}
    for actor, url, names in FORM_PAGES:
        client.force_login(getattr(world, actor))
        page = client.get(url.format(**ids))
        assert page.status_code == 200, url
        html = page.content.decode()
        for name in names:
            shown = _shown_as_chosen(html, name)
            assert shown, (url, name)
            if any(shown):
                chosen[f"{url} {name}"] = shown
    assert not chosen


def test_the_enterprise_form_asks_how_many_came_from_hubei(world, client):
    client.force_login(world.commander)
    html = client.get("/enterprises/new/").content.decode()
    for name in ("from_outside", "from_hubei"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'value="' not in field, field


def test_the_inspection_checklist_starts_unanswered(world, client):
    client.force_login(world.commander)
    for url in (f"/enterprises/{world.enterprise.pk}/inspect/", f"/enterprises/{world.enterprise.pk}/apply/"):
        html = client.get(url).content.decode()
        radios = re.findall(r'<input[^>]*type="radio"[^>]*>', html)
        assert radios and not [r for r in radios if "checked" in r], url
        assert not re.search(r'<input[^>]*name="has_dormitory"[^>]*checked', html)


def test_a_contact_traced_without_a_degree_is_refused(world, client):
    from cordon.people.models import Person

    client.force_login(world.health)
    row = {
        "row_name": ["无程度"],
        "row_document_number": [""],
        "row_phone": [""],
        "row_area": [world.sjf.code],
    }
    page = client.post(
        f"/cases/{world.case.pk}/contacts/", {"setting": "meal", "last_exposure": "2020-02-08", **row}
    )
    assert page.status_code == 200 and not Person.objects.filter(name="无程度").exists()
