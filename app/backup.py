"""Backups taken while the app runs, and restoring one: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from .extensions import db
from .models.base import LOCAL_TZ
from .models.types import utcnow


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def default_path(instance_path: str) -> Path:
    """instance/backups/desk-<local time>.sqlite or .dump."""
    suffix = "sqlite" if db.engine.dialect.name == "sqlite" else "dump"
    return Path(instance_path) / "backups" / f"desk-{utcnow().astimezone(LOCAL_TZ):%Y%m%d-%H%M%S}.{suffix}"


def backup(target: Path) -> Path:
    """Write a consistent copy of the database to `target`; writers may go on meanwhile."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} exists already")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with _sqlite(url.database) as source, _sqlite(str(target)) as copy:
            source.backup(copy)  # page by page, restarting if a writer changes a page already copied
    else:
        _run("pg_dump", url, "--format=custom", "--no-owner", f"--file={target}")
    target.chmod(0o600)  # it holds every owner's personal data
    return target


def restore(source: Path) -> None:
    """Replace the database's contents with a backup's. Stop the app servers first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    db.session.remove()
    db.engine.dispose()  # our own pooled connections would hold locks the restore needs
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with _sqlite(str(source)) as backup_copy, _sqlite(url.database) as live:
            try:
                intact = backup_copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                intact = False
            if not intact:
                raise BackupError(f"{source} is not an intact SQLite database")
            backup_copy.backup(live)
    else:
        _run("pg_restore", url, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
             str(source))


class _sqlite:
    """A plain sqlite3 connection, closed on exit (sqlite3's own context manager only commits)."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path)

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()


def _run(program, url, *args):
    """Run a PostgreSQL client program against the app's database; the password goes in the environment."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    url = make_url(url)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    connection = [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
                  f"--username={url.username or os.environ.get('USER', 'postgres')}", f"--dbname={url.database}"]
    result = subprocess.run([program, *connection, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
