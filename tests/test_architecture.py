"""The house keeps its shape: imports run down the layers of docs/architecture.md, and no two modules
import each other (tools/imports.py reads them from the source)."""

from django.apps import apps

from tools import imports


def test_every_app_has_its_place_in_the_layers():
    ours = {
        config.name.split(".")[1] for config in apps.get_app_configs() if config.name.startswith("cordon.")
    }
    assert ours - set(imports.LAYERS) == set(), "place the new app in tools/imports.py LAYERS and the docs"


def test_every_import_runs_down_the_layers():
    assert imports.wrong_way() == []


def test_no_two_modules_import_each_other():
    assert imports.cycles() == []


def test_the_reading_sees_an_import_running_up(tmp_path):
    """The check itself can fail: a service of core's that imports an app, and a loop, are found."""
    package = tmp_path / "cordon"
    for app in ("core", "people"):
        (package / app).mkdir(parents=True)
        (package / app / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "core" / "services.py").write_text("def f():\n    from cordon.people.services import g\n")
    (package / "people" / "services.py").write_text("from cordon.core.services import f\n")
    found = imports.imports(package)
    known = imports.modules(package)
    assert [item.target for item in found if item.deferred] == ["cordon.people.services.g"]
    assert any("core imports no app" in problem for problem in imports.wrong_way(found, known))
    assert imports.cycles(found, known) == [["cordon.core.services", "cordon.people.services"]]
