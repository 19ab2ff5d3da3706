"""Records carry the day their event happened: a contact traced on paper counts on the day of the
tracing, not the day it was typed in; a backdated placement moves the observation period to
centralised observation as of its own day."""

import datetime as dt

from django.utils import timezone

from cordon.cases import services, services_quarantine
from cordon.observation.models import Period
from cordon.reports.figures import area_figures, end_of_day, value


def test_a_contact_traced_on_paper_counts_on_the_day_of_the_tracing(world, case23, newcomer, clock):
    clock(2020, 2, 12, 9)
    (link,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("纸上追踪")],
        setting="meal",
        last_exposure=dt.date(2020, 2, 8),
        traced_on=dt.date(2020, 2, 10),
    )
    assert link.traced_on == dt.date(2020, 2, 10)
    on_10 = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(dt.date(2020, 2, 10)))
    on_12 = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(dt.date(2020, 2, 12)))
    assert value(on_10, "contacts.traced_today") == 1
    assert value(on_12, "contacts.traced_today") == 0


def test_a_backdated_placement_moves_the_period_as_of_its_own_day(world, case23, newcomer, clock):
    clock(2020, 2, 10, 9)
    (link,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("补录隔离")],
        setting="meal",
        last_exposure=dt.date(2020, 2, 8),
    )
    clock(2020, 2, 13, 9)
    services_quarantine.placement_create(
        actor=world.health,
        person=link.person,
        site=world.site,
        placed_on=dt.date(2020, 2, 11),
        contact=link,
    )
    period = Period.objects.get(pk=link.period_id)
    assert period.mode == Period.Mode.CENTRALISED
    assert period.plan["transfers"][-1]["on"] == "2020-02-11"
    assert timezone.localdate() == dt.date(2020, 2, 13)


def test_a_contact_who_became_a_case_counts_from_the_day_of_the_confirmation(world, case23, newcomer, clock):
    clock(2020, 2, 10, 9)
    (link,) = services.contact_add(
        actor=world.health,
        case=case23,
        people=[newcomer("后转病例")],
        setting="household",
        last_exposure=dt.date(2020, 2, 9),
    )
    clock(2020, 2, 14, 9)  # typed in two days after the confirmation
    services.contact_to_case(
        actor=world.health,
        link=link,
        classification="confirmed",
        classified_on=dt.date(2020, 2, 12),
        data={"confirmed_on": dt.date(2020, 2, 12), "authority": "廊坊市", "number": "31"},
    )

    def became(day):
        figures = area_figures(
            viewer=world.commander, area=world.town, as_of=end_of_day(dt.date(2020, 2, day))
        )
        return value(figures, "contacts.became_case")

    assert [became(11), became(12), became(14)] == [0, 1, 1]
