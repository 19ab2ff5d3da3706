"""The seed town's area tree and one demo account per role."""

from cordon.accounts import services
from cordon.accounts.models import Area


def load_areas(operator, data, log) -> None:
    for row in data["areas"]:
        services.area_create(actor=operator, code=row["code"], name=row["name"], note=row.get("note", ""))
    log(f"  areas: {len(data['areas'])}")


def load_users(operator, data, log) -> None:
    areas = {a.code: a for a in Area.objects.all()}
    for row in data["users"]:
        services.user_create(
            actor=operator,
            username=row["username"],
            full_name=row["full_name"],
            area=areas[row["area"]],
            roles=[(role, areas[code]) for role, code in row["roles"]],
            password=data["password"],
        )
    log(f"  accounts: {len(data['users'])}")
