from django.contrib.auth.hashers import make_password
from django.db import migrations


def create_operator(apps, schema_editor):
    """The operator account: the actor of command-line changes. It can never log in."""
    User = apps.get_model("accounts", "User")
    User.objects.get_or_create(
        username="system",
        defaults={
            "full_name": "系统操作员",
            "is_superuser": True,
            "is_staff": False,
            "is_active": True,
            "password": make_password(None),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_operator, migrations.RunPython.noop)]
