"""The core imports neither discord.py nor slack_bolt: checked statically and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"
FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "aiosqlite", "sqlite3", "asyncpg",
             "numpy", "tokenizers", "safetensors", "bot.adapters", "bot.store", "bot.meaning")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_import_no_platform_or_storage_library() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        for name in _imports(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_importing_the_core_loads_no_platform_library() -> None:
    code = (
        "import sys, bot.core.service, bot.core.commands, bot.core.content;"
        "bad=[m for m in sys.modules if m.split('.')[0] in"
        " ('discord','slack_bolt','slack_sdk','aiosqlite','asyncpg')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_the_package_reads_no_content(tmp_path: Path) -> None:
    """Content loads at start-up, never at import, and never from the working directory."""
    code = "import bot.core.service, bot.app, bot.adapters.console, bot.__main__; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_each_adapter_imports_only_its_own_platform() -> None:
    adapters = CORE.parent / "adapters"
    rules = {"discord": ("slack_bolt", "slack_sdk", "bot.adapters.slack"),
             "slack": ("discord", "bot.adapters.discord")}
    for name, forbidden in rules.items():
        files = sorted((adapters / name).rglob("*.py"))
        assert files, name
        for path in files:
            for imported in _imports(path):
                assert not imported.startswith(forbidden), f"{name}/{path.name}: {imported}"
    for imported in _imports(adapters / "console.py"):
        assert not imported.startswith(("discord", "slack_bolt", "slack_sdk")), imported


# -- the house: no circles, adapters only through the core ------------------------------------

BOT = CORE.parent


def _module_of(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, tuple[bool, str]]:
    """Every module of bot/: (is it a package's __init__, its source)."""
    return {_module_of(p): (p.name == "__init__.py", p.read_text(encoding="utf-8"))
            for p in BOT.rglob("*.py")}


def _graph(modules: dict[str, tuple[bool, str]]) -> dict[str, set[str]]:
    """Each module and the bot modules it imports, TYPE_CHECKING imports too, each resolved to
    the module it names (``from bot.core import timeline`` is bot.core.timeline)."""
    graph: dict[str, set[str]] = {}
    for name, (is_package, source) in modules.items():
        edges: set[str] = set()
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(source)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    # Tarjan's strongly connected components: any with two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
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
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_import_cycles_type_only_imports_counted() -> None:
    graph = _graph(_sources())
    assert len(graph) > 40
    assert _circles(graph) == []


def test_a_type_only_import_back_up_is_seen_as_a_circle() -> None:
    """The cycle test cannot pass by reading nothing: the timeline importing the app, even
    only for a type, closes a circle through everything that imports the timeline."""
    modules = _sources()
    _is_package, source = modules["bot.core.timeline"]
    modules["bot.core.timeline"] = (False, source + (
        "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.app import A\n"))
    [circle] = _circles(_graph(modules))
    assert {"bot.app", "bot.core.timeline"} <= set(circle)


def test_adapters_never_touch_the_store() -> None:
    """Adapters reach persistence only through the core's entry points (and their own
    AdapterState, handed in by the composition root): no import of the store port or a store,
    and no ``core.store`` anywhere in them."""
    files = sorted((BOT / "adapters").rglob("*.py"))
    assert len(files) > 10
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in _imports(path):
            assert not name.startswith(("bot.core.store", "bot.store")), f"{path.name}: {name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                inner = node.value
                owner = inner.attr if isinstance(inner, ast.Attribute) else getattr(
                    inner, "id", "")
                assert owner != "core", f"{path.name}:{node.lineno} reaches core.store"


def test_each_store_imports_only_its_own_driver() -> None:
    """The SQLite store never loads asyncpg and the PostgreSQL one never aiosqlite; nothing
    outside a store's package imports its driver (the composition root picks a store by
    address, bot/store/open.py, and imports it only then)."""
    root = CORE.parent
    rules = {"sqlite": ("asyncpg", "bot.store.postgres"),
             "postgres": ("aiosqlite", "sqlite3", "bot.store.sqlite")}
    for name, forbidden in rules.items():
        files = sorted((root / "store" / name).rglob("*.py"))
        assert files, name
        for path in files:
            for imported in _imports(path):
                assert not imported.startswith(forbidden), f"{path} imports {imported}"
    drivers = ("aiosqlite", "asyncpg")
    for path in sorted(root.rglob("*.py")):
        if (root / "store" / "sqlite") in path.parents or (root / "store" / "postgres") in \
                path.parents:
            continue
        for imported in _imports(path):
            assert not imported.startswith(drivers), f"{path} imports {imported}"


def test_opening_a_sqlite_store_loads_no_postgres_driver() -> None:
    code = (
        "import asyncio, sys; from bot.store.open import open_store\n"
        "async def main():\n"
        "    store = await open_store(':memory:')\n"
        "    await store.close()\n"
        "asyncio.run(main())\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'asyncpg']\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# Read best whole (the architecture review says why): the content loader's one pass over a
# pack, and the time grammar of `when`.
WHOLE = {"core/content/loader.py", "core/when.py"}


def test_modules_and_functions_stay_small() -> None:
    """No module past 400 lines and no function past 60, but the two that read best whole."""
    root = CORE.parent
    long_modules, long_functions = [], []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if name not in WHOLE and text.count("\n") > 400:
            long_modules.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    node.end_lineno or 0) - node.lineno + 1 > 60:
                long_functions.append(f"{name}:{node.name}")
    assert long_modules == [] and long_functions == [], (long_modules, long_functions)


def _reaching_ops(modules: dict[str, tuple[bool, str]]) -> list[str]:
    """Modules of the core or an adapter that import bot.ops (or any module under it)."""
    return sorted(f"{name} -> {target}" for name, edges in _graph(modules).items()
                  if name.startswith(("bot.core", "bot.adapters"))
                  for target in edges if target == "bot.ops" or target.startswith("bot.ops."))


def test_core_and_adapters_never_import_ops() -> None:
    """Operations hang on the core's ports (observe, status) and wrap the adapters from the
    composition root; neither the core nor an adapter may reach back into bot.ops, even for a
    type or lazily inside a function."""
    modules = _sources()
    assert any(name.startswith("bot.ops.") for name in modules)
    assert _reaching_ops(modules) == []
    # The check sees such an import: one inside a function of an adapter, relative or not.
    _is_package, source = modules["bot.adapters.console"]
    modules["bot.adapters.console"] = (False, source + (
        "\ndef _peek():\n    from bot.ops import logs\n    return logs\n"))
    _is_package, source = modules["bot.core.status"]
    modules["bot.core.status"] = (False, source + "\nfrom ..ops.metrics import Metrics\n")
    assert _reaching_ops(modules) == ["bot.adapters.console -> bot.ops.logs",
                                      "bot.core.status -> bot.ops.metrics"]
