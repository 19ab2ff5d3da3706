"""The seed town, 堂二里镇 in February 2020, as a demo scenario (``cordon demo``).

The data lives in ``tangerli.json``; each app loads its own part through its own services, in the
order of ``STEPS``. A later module adds its part to the JSON and its loader to ``STEPS``.
"""

import json
from pathlib import Path

from django.db import transaction

from cordon.accounts import demo as accounts_demo
from cordon.accounts.models import Area
from cordon.accounts.services import operator_account
from cordon.cases import demo as cases_demo
from cordon.checkpoints import demo as checkpoints_demo
from cordon.core import audit
from cordon.core.context import source
from cordon.enterprises import demo as enterprises_demo
from cordon.forces import demo as forces_demo
from cordon.lockdowns import demo as lockdowns_demo
from cordon.observation import demo as observation_demo
from cordon.operations import demo as operations_demo
from cordon.people import demo as people_demo
from cordon.stock import demo as stock_demo

DATA_FILE = Path(__file__).with_name("tangerli.json")

STEPS = [
    accounts_demo.load_areas,
    checkpoints_demo.load_checkpoints,
    accounts_demo.load_users,
    people_demo.load_people,
    observation_demo.load_observation,
    cases_demo.load_cases,
    forces_demo.load,
    lockdowns_demo.load,
    checkpoints_demo.load_passages,
    operations_demo.load,
    stock_demo.load,
    enterprises_demo.load,
]


class DatabaseNotEmpty(Exception):
    pass


def read_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def database_is_empty() -> bool:
    return not Area.objects.exists()


def load(*, log=print) -> dict:
    """Load the seed town into an empty database, all or nothing. Returns the data loaded."""
    data = read_data()
    with source("cli"), transaction.atomic():
        if not database_is_empty():
            raise DatabaseNotEmpty
        operator = operator_account()
        for step in STEPS:
            step(operator, data, log)
        town = Area.objects.get(code=data["areas"][3]["code"])
        audit.record(actor=operator, action="demo.load", target=town, area=town)
    return data
