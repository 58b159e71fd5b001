"""Create the benchmark's users and API tokens through the `factcheck` CLI commands, in one process.

Run with the project's virtualenv and the stack's FACTCHECK_* environment:
    python bench/stack/provision.py EDITORS CHECKERS
Prints one JSON object: {"users": [{"username", "role", "password", "token"}, ...]}.
Each user is `factcheck users create NAME --role ROLE --password PW` and `factcheck tokens create NAME`,
invoked in-process (starting the CLI 112 times costs ~2.5 s each on this machine).
"""
from __future__ import annotations

import gc
import json
import sys

from click.testing import CliRunner

from factcheck.cli import main


def run(runner: CliRunner, args: list[str]) -> str:
    result = runner.invoke(main, args, catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"factcheck {' '.join(args)} failed ({result.exit_code}): {result.output}")
    gc.collect()  # each command builds its own engine; let go of its pooled connection
    return result.output


def main_() -> None:
    editors, checkers = int(sys.argv[1]), int(sys.argv[2])
    people = [("admin1", "admin")] + [(f"editor{i}", "editor") for i in range(1, editors + 1)] \
        + [(f"checker{i}", "checker") for i in range(1, checkers + 1)]
    runner = CliRunner()
    out = []
    for name, role in people:
        password = f"bench-{name}-Pa55word!"
        run(runner, ["users", "create", name, "--role", role, "--password", password])
        token = run(runner, ["tokens", "create", name, "--name", "stack bench"]).split()[-1]
        out.append({"username": name, "role": role, "password": password, "token": token})
    print(json.dumps({"users": out}))


if __name__ == "__main__":
    main_()
