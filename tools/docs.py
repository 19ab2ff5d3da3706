"""Write the documents that are read from the code: ``make docs`` runs this.

- ``docs/cli.md``: the ``cordon`` command, from its own argument parser (each command's --help).
- ``docs/architecture.md``: the picture of the house now — the imports between apps, drawn from the
  source by ``tools/imports.py`` — between the markers that hold it.

``tests/test_docs.py`` fails when a document differs from what this would write.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
ARCHITECTURE_DOC = ROOT / "docs" / "architecture.md"
NOW_BEGIN = "<!-- the house now: written by `make docs` -->"
NOW_END = "<!-- end of the house now -->"


def cli_markdown() -> str:
    """The ``cordon`` command's reference, each command's help as the terminal prints it."""
    os.environ["COLUMNS"] = "104"  # the same wrapping wherever it is written
    from cordon.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out = [
        "# The `cordon` command",
        "",
        "Written by `make docs` from the command's own parser (`cordon/cli.py`): `cordon COMMAND --help`",
        "prints the same.",
        "",
        "```",
        parser.format_help().rstrip(),
        "```",
    ]
    helps = {action.dest: action.help for action in sub._choices_actions}
    for name, command in sub.choices.items():
        out += [
            "",
            f"## cordon {name}",
            "",
            helps.get(name) or "",
            "",
            "```",
            command.format_help().rstrip(),
            "```",
        ]
    return "\n".join(out) + "\n"


def architecture_markdown(current: str) -> str:
    """``docs/architecture.md`` with the picture of the house now redrawn between its markers."""
    from tools import imports

    found = imports.imports()
    picture = imports.mermaid(imports.app_arrows(found))
    deferred = sum(1 for item in found if item.deferred)
    block = (
        f"{NOW_BEGIN}\n{picture}\n\n"
        f"{len(found)} imports between Cordon's modules, "
        f"{len(imports.wrong_way(found))} running the wrong way, "
        f"{len(imports.cycles(found))} loops of modules importing each other; {deferred} written inside a "
        "function (none of them hides a loop: the loops above count them).\n"
        f"{NOW_END}"
    )
    pattern = re.compile(re.escape(NOW_BEGIN) + r".*?" + re.escape(NOW_END), re.S)
    return pattern.sub(lambda _m: block, current)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    CLI_DOC.write_text(cli_markdown(), encoding="utf-8")
    ARCHITECTURE_DOC.write_text(
        architecture_markdown(ARCHITECTURE_DOC.read_text(encoding="utf-8")), encoding="utf-8"
    )
    print(f"wrote {CLI_DOC.relative_to(ROOT)} and {ARCHITECTURE_DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
