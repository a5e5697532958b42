#!/usr/bin/env python3
"""Two commands for a fresh clone, needing only Python 3.11+.

    python3 dev.py serve   install, migrate, load demo data, serve http://127.0.0.1:5000
    python3 dev.py test    install (with test extras) and run every test
"""
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")


def run(*args):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def install(extras=""):
    """Create .venv once and install the project into it (quietly when nothing changed)."""
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-e", f".{extras}")


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if command == "serve":
        install()
        run(BIN / "flask", "--app", "wsgi", "setup")
        run(BIN / "flask", "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", "5000")
    elif command == "test":
        install("[test]")
        result = subprocess.run([str(BIN / "python"), "-m", "pytest", *sys.argv[2:]], cwd=ROOT)
        sys.exit(result.returncode)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
