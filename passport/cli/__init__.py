"""The `passport` command: importing, exporting and inspecting records, accounts, documents,
sharing links and the database. Each group of commands has a module of its own; importing
them here registers them on `main`."""

from passport.cli import jobs, keys, operations, records, reports, sharing, users
from passport.cli.app import _app, main

__all__ = [
    "_app",
    "jobs",
    "keys",
    "main",
    "operations",
    "records",
    "reports",
    "sharing",
    "users",
]
