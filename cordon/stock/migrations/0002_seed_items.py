"""The five items A10 names, with the unit each is counted in; the town edits them and their
warning levels (the levels here are a start: a few days of a town's use in February 2020)."""

from django.db import migrations

ITEMS = [
    ("mask", "口罩", "只", 2000),
    ("suit", "防护服", "套", 50),
    ("disinfectant", "消毒液", "瓶", 100),
    ("thermometer", "体温计", "支", 20),
    ("test_kit", "检测试剂", "份", 200),
]


def seed(apps, schema_editor):
    Item = apps.get_model("stock", "Item")
    for order, (code, name, unit, level) in enumerate(ITEMS, start=1):
        Item.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "warning_level": level, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("stock", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
