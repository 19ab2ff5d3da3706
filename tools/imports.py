"""Cordon's imports, read from the source: which app imports which, and which imports run the wrong way.

The apps stand in layers (``LAYERS``, bottom first). A module that holds rules — models, services,
selectors, figures, forms, validation — imports only from its own app and the apps below it. Entry
points (views, the API, URLs, the CLI, jobs, the demo loader, test support, template tags) may combine
any apps above core, but hold no rules. ``core`` is the floor: it imports no app at all. And no two
modules import each other, directly or round a longer loop, even from inside a function.

``tests/test_architecture.py`` holds the code to these rules; ``make docs`` redraws the picture in
``docs/architecture.md`` from the same reading.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cordon"

# Bottom first. An app may build on the apps before it in this list, never on one after it.
LAYERS = [
    "core",  # audit trail, jobs, spreadsheets, the area scope's query mechanics, errors, privacy
    "accounts",  # areas, users, roles, tokens; who may see and do what
    "notifications",  # events to the people responsible: outbox, inbox, to-do lists, channels
    "notifications",  # events to messages and tasks, the outbox and its channels: any app raises them
    "people",  # the registry: people, households, arrivals, ledgers
    "observation",  # medical observation: protocol editions, periods, checks, alerts, tests
    "cases",  # cases, contacts, the chain, quarantine sites
    "handovers",  # a person handed from one town to another, their observation continuing
    "checkpoints",  # checkpoints, passages, duty shifts
    "lockdowns",  # sealed areas, exit passes, supplies and rotation
    "colours",  # a person's status colour from the records above, by the town's rules
    "colours",  # a person's status colour from cases, observation and seals, by the town's rules
    "gate",  # what a guard checks at the gate: flags, passes, their use — over checkpoints and lockdowns
    "enterprises",  # reopening applications and inspections
    "forces",  # personnel and teams
    "operations",  # disinfection, counselling, notices, rumours
    "stock",  # the teams' stock: stores, items received, issued, used; deliveries to sealed gates
    "handovers",  # a person handed from one town to another (A9)
    "reports",  # the daily report and the dashboard: they combine every app's figures
    "federation",  # reports sent to a parent server as signed, versioned packages
    "retention",  # how long closed records are kept, and the run that removes the rest
    "federation",  # the parent and child servers, signed packages between them
    "retention",  # how long closed records are kept, and their removal
    "demo",  # the seed town
]

# Modules that may combine apps (entry points and test support); every other module holds rules.
ENTRY = re.compile(r"^(views\w*|api\w*|urls|demo|testing|apps|admin|context_processors|middleware|jobs)$")
ENTRY_PACKAGES = {"templatetags", "management"}
# Above every app: the command line and the cross-app test world.
TOP = {
    "cordon.cli",
    "cordon.cli_backup",
    "cordon.cli_common",
    "cordon.cli_import",
    "cordon.cli_lab",
    "cordon.cli_serve",
    "cordon.cli_upward",
    "cordon.testing",
}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module name, e.g. cordon.people.services
    target: str  # the module (or package) named in the import
    line: int
    deferred: bool  # written inside a function or class

    @property
    def source_app(self) -> str:
        return app_of(self.source)

    @property
    def target_app(self) -> str:
        return app_of(self.target)


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_entry(module: str) -> bool:
    parts = module.split(".")
    return module in TOP or bool(ENTRY.match(parts[-1])) or any(p in ENTRY_PACKAGES for p in parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package except migrations and tests, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = rel.parts
        if "migrations" in parts or "tests" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(root: Path = PACKAGE) -> list[Import]:
    """Every import of a ``cordon`` module by a ``cordon`` module, each with its line."""
    found = []
    for name, path in modules(root).items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deferred_nodes = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            for inner in ast.walk(node)
        }
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from cordon.x import y` names module y when y is a module, else a name in x.
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target.split(".")[0] != "cordon":
                    continue
                found.append(Import(name, target, node.lineno, id(node) in deferred_nodes))
    return found


def resolve(target: str, known: dict[str, Path]) -> str:
    """The module an imported name lives in: the longest known module prefix of ``target``."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target


def layer(app: str) -> int:
    return LAYERS.index(app) if app in LAYERS else len(LAYERS)


def wrong_way(found: list[Import] | None = None, known: dict[str, Path] | None = None) -> list[str]:
    """Imports that break the layers, each as ``module:line imports target (why)``."""
    found = imports() if found is None else found
    known = modules() if known is None else known
    problems = []
    for item in found:
        source_app, target_app = item.source_app, item.target_app
        if source_app == target_app or not target_app:
            continue
        where = f"{item.source}:{item.line} imports {item.target}"
        if item.target in TOP or resolve(item.target, known) in TOP:
            if item.source not in TOP:
                problems.append(f"{where} (the CLI and the test world stand above every app)")
        elif source_app == "core":
            problems.append(f"{where} (core imports no app)")
        elif not is_entry(item.source) and layer(target_app) > layer(source_app):
            problems.append(f"{where} ({source_app} is below {target_app})")
    return problems


def cycles(found: list[Import] | None = None, known: dict[str, Path] | None = None) -> list[list[str]]:
    """Loops of modules importing each other, deferred imports included (they only hide a loop)."""
    found = imports() if found is None else found
    known = modules() if known is None else known
    graph: dict[str, set[str]] = {name: set() for name in known}
    for item in found:
        target = resolve(item.target, known)
        if target and target != item.source and known[target].name != "__init__.py":
            graph[item.source].add(target)
    # Tarjan's strongly connected components: each component of more than one module is a loop.
    index, low, stack, on_stack, loops = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(loops)


def app_arrows(found: list[Import] | None = None) -> Counter:
    """How many imports run from each app to each other app — (source, target, by an entry point) —
    the picture of the house."""
    found = imports() if found is None else found
    return Counter(
        (item.source_app, item.target_app, is_entry(item.source))
        for item in found
        if item.source_app != item.target_app and item.target_app
    )


def mermaid(arrows: Counter) -> str:
    """The arrows as a Mermaid graph, bottom layer at the bottom: a rule's import a solid arrow, an
    entry point's a dotted one, an arrow running the wrong way red."""
    lines = ["```mermaid", "flowchart BT"]
    names = sorted(
        {app for source, target, _entry in arrows for app in (source, target)},
        key=lambda app: (layer(app), app),
    )
    lines += [f"  {name}" for name in names]
    wrong = []
    ordered = sorted(
        arrows.items(), key=lambda kv: (layer(kv[0][0]), kv[0][0], layer(kv[0][1]), kv[0][1], kv[0][2])
    )
    for number, ((source, target, entry), count) in enumerate(ordered):
        lines.append(f"  {source} {'-.->' if entry else '-->'}|{count}| {target}")
        if source == "core" or (not entry and layer(target) > layer(source)):
            wrong.append(number)
    if wrong:
        lines.append(f"  linkStyle {','.join(map(str, wrong))} stroke:#c00,stroke-width:2px")
    lines.append("```")
    return "\n".join(lines)
