"""The test world's notification and colour records: a WeCom group of 四间房村 and one of 东村, and
堂二里镇's own colour rules, so the scope tests have rows on both sides."""

from cordon.colours import rules as colour_rules
from cordon.colours import services as colours
from cordon.notifications import services as notifications
from cordon.notifications.models import Channel, Message, WecomGroup


def extend_world(world):
    world.sjf_group = notifications.wecom_group_save(
        actor=world.commander, area=world.sjf, name="四间房村工作群", webhook_url="http://127.0.0.1:9/sjf"
    )
    world.east_group = notifications.wecom_group_save(
        actor=world.neighbour, area=world.east, name="东村工作群", webhook_url="http://127.0.0.1:9/east"
    )
    # Switched off: the world's own events queue nothing for them (the delivery tests count messages).
    WecomGroup.objects.filter(pk__in=[world.sjf_group.pk, world.east_group.pk]).update(enabled=False)
    world.colour_rules = colours.colour_rules_save(
        actor=world.commander, area=world.town, rules=dict(colour_rules.DEFAULT_RULES)
    )
    colours.colour_rules_save(
        actor=world.neighbour, area=world.neighbour_town, rules=dict(colour_rules.DEFAULT_RULES)
    )
    world.sjf_message = Message.objects.filter(area_id=world.sjf.code, channel=Channel.INBOX).first()
