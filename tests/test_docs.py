"""The documents read from the code say what the code does: `make docs` rewrites them."""

from pathlib import Path

from tools import docs


def test_the_cli_reference_is_the_parser_s_own_help():
    assert Path(docs.CLI_DOC).read_text(encoding="utf-8") == docs.cli_markdown(), "run `make docs`"


def test_the_picture_of_the_house_is_the_house_now():
    current = Path(docs.ARCHITECTURE_DOC).read_text(encoding="utf-8")
    assert current == docs.architecture_markdown(current), "run `make docs`"


def test_the_readme_fits_on_a_screen_and_names_the_docs():
    readme = (Path(docs.ROOT) / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 160
    for name in (
        "docs/features.md",
        "docs/api.md",
        "docs/cli.md",
        "docs/deployment.md",
        "docs/architecture.md",
    ):
        assert name in readme and (Path(docs.ROOT) / name).exists()
