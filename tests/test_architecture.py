"""The code holds its own shape: one clock, packages that import on their own."""
import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import app

APP = Path(app.__file__).parent
CLOCK = APP / "core" / "time.py"  # the one place allowed to read the wall clock
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
              ("time", "time"), ("func", "now"), ("time", "monotonic")}


def wall_clock_reads(path):
    """(line, call) for every `x.now()`-style read of the real clock in a module."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
            owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
            if (owner, node.attr) in WALL_CLOCK:
                yield node.lineno, f"{owner}.{node.attr}"


def test_the_app_reads_the_wall_clock_only_through_utcnow():
    found = [f"{path.relative_to(APP.parent)}:{line}: {call}" for path in sorted(APP.rglob("*.py"))
             if path != CLOCK for line, call in wall_clock_reads(path)]
    assert not found, "read the time with app.models.types.utcnow()/local_today():\n" + "\n".join(found)


def test_the_wall_clock_check_finds_a_read(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from datetime import date, datetime\nx = datetime.now()\ny = date.today()\n")
    assert [call for _, call in wall_clock_reads(module)] == ["datetime.now", "date.today"]


PACKAGES = sorted(name for _, name, is_pkg in pkgutil.walk_packages([str(APP)], "app.") if is_pkg) + ["app"]


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_on_its_own(package):
    result = subprocess.run([sys.executable, "-c", f"import {package}"], capture_output=True, text=True,
                            cwd=APP.parent)
    assert result.returncode == 0, result.stderr[-2000:]
