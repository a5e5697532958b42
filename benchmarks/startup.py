"""The time to build the app in a fresh process: importing `app` and one create_app, wall clock and CPU.

Run from the project root:  .venv/bin/python -m benchmarks.startup
"""
import sys
import time

wall, cpu = time.perf_counter(), time.process_time()
from app import create_app  # noqa: E402  (the import is part of what is timed)

imported = time.perf_counter()
create_app({"TESTING": True, "SECRET_KEY": "bench-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
print(f"import {imported - wall:.2f} s, create_app {time.perf_counter() - imported:.2f} s; "
      f"wall {time.perf_counter() - wall:.2f} s, CPU {time.process_time() - cpu:.2f} s")
if sys.dont_write_bytecode:  # as a deployed app keeps its .pyc files, so should a measure of its start
    print("note: PYTHONDONTWRITEBYTECODE is set, so every module was compiled from source; unset it to time a start")
