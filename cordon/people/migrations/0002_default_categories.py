from django.db import migrations

# The 2020 ledgers (摸排 by origin): 武汉 / 湖北其他 / 本地返乡 / 省内其他 / 省外其他, and one for origins
# nobody could place yet. A deployment edits these on the categories page.
CATEGORIES = [
    ("wuhan", "武汉", 10, "4201", "来自湖北省武汉市"),
    ("hubei", "湖北其他", 20, "42", "来自湖北省武汉市以外地区"),
    ("local", "本地返乡", 30, "@county", "来自本县（市、区）其他乡镇"),
    ("province", "省内其他", 40, "@province", "来自本省其他县市"),
    ("outside", "省外其他", 50, "*", "来自外省（湖北除外）"),
    ("unresolved", "来源待核实", 90, "?", "来源地未能识别到区划代码，须核实后手工归类"),
]


def create(apps, schema_editor):
    RiskCategory = apps.get_model("people", "RiskCategory")
    for code, name, priority, origins, note in CATEGORIES:
        RiskCategory.objects.get_or_create(
            code=code, defaults={"name": name, "priority": priority, "origins": origins, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
