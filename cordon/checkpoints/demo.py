"""The seed town's 62 village checkpoints and the 格达 and 北崔 road inspection stations."""

from cordon.accounts.models import Area
from cordon.checkpoints import services


def load_checkpoints(operator, data, log) -> None:
    areas = {a.code: a for a in Area.objects.all()}
    for row in data["checkpoints"]:
        services.checkpoint_create(actor=operator, **{**row, "area": areas[row["area"]]})
    log(f"  checkpoints: {len(data['checkpoints'])}")
