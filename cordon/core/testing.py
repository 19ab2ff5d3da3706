"""Test machinery that every app's tests stand on, with no app of its own in it.

``SharedData`` keeps data built once over a run of tests (Django's ``setUpTestData`` across a whole
test process); ``shared_world`` hands each test a copy. The world itself — areas, checkpoints and named
actors built through every app's services — is above all the apps, in ``cordon/testing.py``.
"""

import copy

import pytest
from django.db import connection, transaction

PASSWORD = "Test-password-2020"  # noqa: S105 — the test accounts' password
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def pytest_sessionstart(session):
    """Static files without a collected manifest for the whole run, not only inside each test: a
    browser module's live server answers between tests too (a service worker's fetch, a favicon),
    and with the manifest storage back in place there it answered 500 and broke the next page."""
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    """Fast password hashing, and static files without a collected manifest."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": PLAIN_STATIC,
    }


class SharedData:
    """Data built once and kept while consecutive tests use it: Django's ``TestCase.setUpTestData``
    over a run of tests instead of one class.

    The data is built inside an outer transaction that is never committed; each test's own transaction
    (pytest-django's ``db``) is then a savepoint within it, rolled back at the test's end, and each test
    gets a deep copy of the Python objects. The outer transaction is rolled back as soon as a test that
    does not use the data needs the database (``pytest_runtest_setup`` below), or another kind of data
    is asked for; tests are ordered so that those using the same data run together (``order_items``).
    """

    def __init__(self):
        self.key = None
        self.value = None
        self._atomic = None
        self._blocker = None

    def get(self, key, build):
        """A copy of the data named ``key``, built by ``build()`` when it is not the data held."""
        if self.key != key:
            self.release()
            with self._blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                self._atomic = atomic
                try:
                    self.value = build()
                except BaseException:
                    self.release()
                    raise
            self.key = key
        return copy.deepcopy(self.value)

    def opened_after(self) -> bool:
        """Whether a transaction was opened after the shared data's (a test's own)."""
        return len(connection.atomic_blocks) > (0 if self._atomic is None else 1)

    def release(self):
        """Roll the data back: the database is as the migrations left it."""
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = self.key = self.value = None


shared = SharedData()


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker):
    """The one ``SharedData`` of this test process, released before the test database is dropped."""
    shared._blocker = django_db_blocker
    yield shared
    shared.release()


def _transactional(item) -> bool:
    """Whether a test's transactions commit (the live server's tests, ``transaction=True``)."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    )


def shared_world(request, key: str, build):
    """The world for one test: a copy of the one built once (see ``SharedData``), or, for a test whose
    transactions commit (the live server's), one built for it alone and flushed after it."""
    if _transactional(request.node):
        request.getfixturevalue("transactional_db")
        return build()
    data = request.getfixturevalue("shared_data")
    if data.key != key and data.opened_after():
        # The test's own transaction was opened before this fixture (a fixture listed earlier needed
        # the database): the world can only be built inside it, for this test alone.
        return build()
    from django.test import override_settings

    def build_fast():
        # Built before the test's settings fixtures: hash the actors' passwords as the tests do.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            return build()

    world = data.get(key, build_fast)
    request.getfixturevalue("db")
    return world


SHARED = ("world", "seed_town", "generated_town")


def _shared_fixture(item) -> str | None:
    """The fixture of shared data a test uses, if any (and its test's transactions do not commit)."""
    names = getattr(item, "fixturenames", ())
    for name in SHARED:
        if name in names and not _transactional(item):
            return name
    return None


def order_items(items) -> None:
    """Run the tests that use the same shared data together (after pytest-django has put the tests that
    use the database in transactions first), and set that data up before any other fixture of a test,
    so that it is built outside the test's own transaction."""

    def kind(item):
        name = _shared_fixture(item)
        if name is None:
            return (1, "")
        # a conftest may give the world another shape (the forces' own): one kind per definition
        definition = item._fixtureinfo.name2fixturedefs[name][-1]
        return (0, f"{name} {definition.baseid}")

    items.sort(key=kind)
    for item in items:
        name = _shared_fixture(item)
        if name is not None:
            item.fixturenames.remove(name)
            item.fixturenames.insert(0, name)
            if not item.get_closest_marker("django_db"):
                # the shared fixtures ask for ``db`` only once built: say it here, so that the test
                # database is set up even when no other test of the run asks for it
                item.add_marker(pytest.mark.django_db)
        if name in ("seed_town", "generated_town"):
            # one test process loads the town, for all of them (with ``--dist loadgroup``)
            item.add_marker(pytest.mark.xdist_group(name))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    order_items(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A test that does not share the data held must not see it, nor run inside its transaction.
    if _shared_fixture(item) is None:
        shared.release()


@pytest.fixture
def login(client):
    """Log ``client`` in as a user (bypassing the login form, which has its own tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def form_field_names(html: str) -> list[list[str]]:
    """The names each <form> of a page posts, in order (a checkbox or radio group counted once): a
    name twice in one form is a field whose second copy overwrites the first."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms: list[list[str]] = []
            self.groups: set = set()
            self.open = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.forms.append([])
                self.groups = set()
                self.open = True
            elif self.open and tag in ("input", "select", "textarea") and attrs.get("name"):
                name = attrs["name"]
                if attrs.get("type") in ("checkbox", "radio"):
                    if name in self.groups:
                        return
                    self.groups.add(name)
                if attrs.get("type") in ("submit", "button"):
                    return
                self.forms[-1].append(name)

        def handle_endtag(self, tag):
            if tag == "form":
                self.open = False

    parser = Forms()
    parser.feed(html)
    return parser.forms
