"""The code holds its own shape: one clock, packages that import on their own."""
import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import app
from tests.conftest import MODULE_TIERS, TIERS

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


def test_no_test_reads_the_wall_clock():
    """Tests run under the frozen clock (conftest NOW), so none may read the real one."""
    tests = Path(__file__).parent
    found = [f"{path.relative_to(tests.parent)}:{line}: {call}" for path in sorted(tests.rglob("*.py"))
             for line, call in wall_clock_reads(path)]
    assert not found, "move the frozen clock with clock_at() instead:\n" + "\n".join(found)


def test_every_test_has_exactly_one_tier(request):
    """The tiers of tests/conftest.py cover the whole suite, once each, so `pytest -m <tier>` runs can add up to it."""
    modules = {path.stem for path in Path(__file__).parent.glob("test_*.py")}
    assert set(MODULE_TIERS) == modules and set(MODULE_TIERS.values()) <= set(TIERS)
    tiers = {item.nodeid: [mark.name for mark in item.iter_markers() if mark.name in TIERS]
             for item in request.session.items}  # every test collected in this run
    assert {nodeid: found for nodeid, found in tiers.items() if len(found) != 1} == {}


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


def nested_imports(path):
    """(line, function) for every import inside a function: a sign of a cycle dodged."""
    tree = ast.parse(path.read_text(), str(path))
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield node.lineno, function.name


def test_no_import_hides_in_a_function():
    allowed = {("__init__.py", "create_app"),  # the factory builds the app: `app` itself stays light to import
               ("passwords.py", "password_problem")}  # zxcvbn's dictionaries load on the first password set
    found = [f"{path.relative_to(APP.parent)}:{line} in {name}()" for path in sorted(APP.rglob("*.py"))
             for line, name in nested_imports(path) if (path.name, name) not in allowed]
    assert not found, "import at module level (a cycle means a layer is wrong):\n" + "\n".join(found)


def test_the_layers_hold():
    """core <- workflow <- domains <- reports <- web, as .importlinter declares; checked by import-linter."""
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], capture_output=True, text=True,
                            cwd=APP.parent)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout
