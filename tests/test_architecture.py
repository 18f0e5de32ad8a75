"""The core imports neither discord.py nor slack_bolt: checked statically and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"
FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "aiosqlite", "bot.adapters", "bot.store")


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
        "bad=[m for m in sys.modules if m.split('.')[0] in ('discord','slack_bolt','slack_sdk')];"
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
