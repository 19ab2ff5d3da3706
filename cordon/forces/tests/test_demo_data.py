"""The demo town's invented people: valid ID numbers (GB 11643, the people app's own check) and names,
never the same number twice."""

import datetime as dt
import random
from itertools import islice

from cordon.forces import demo
from cordon.people.validation import parse_id_number, parse_name


def test_invented_id_numbers_are_valid_and_unique():
    rng = random.Random(1)
    numbers = list(islice(demo._id_numbers(rng), 1500))
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert parse_id_number(number, today=dt.date(2020, 2, 21)).number == number


def test_invented_names_pass_the_registrys_name_check():
    rng = random.Random(2)
    for name in islice(demo._names(rng), 300):
        assert parse_name(name) == name
