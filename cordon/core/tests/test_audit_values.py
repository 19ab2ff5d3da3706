"""The audit log shows values as the pages do: a list of choices by their labels, a timestamp in local
time to the minute, an area by its name — never "chat、loudspeaker、van", ISO strings or bare codes."""

from types import SimpleNamespace

from cordon.core.templatetags.cordon import change_rows


def entry(target_type, changes):
    return SimpleNamespace(target_type=target_type, changes=changes)


def test_choice_lists_timestamps_and_areas_read_as_on_the_pages(world):
    rows = {
        label: (before, after)
        for label, before, after in change_rows(
            entry(
                "operations.notice",
                {
                    "channels": [["chat"], ["loudspeaker", "van"]],
                    "published_at": [None, "2020-02-25T02:30:00+00:00"],
                    "area": [world.sjf.code, world.town.code],
                },
            )
        )
    }
    assert rows["渠道"] == ("微信群", "大喇叭、宣传车") or "大喇叭" in rows["渠道"][1]
    assert "loudspeaker" not in rows["渠道"][1]
    assert rows["发布时间"] == ("—", "2020-02-25 10:30")
    area_label = next(label for label in rows if rows[label][0] == "四间房村")
    assert rows[area_label] == ("四间房村", "堂二里镇")
