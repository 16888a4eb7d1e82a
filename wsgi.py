"""The WSGI entry point: `gunicorn wsgi:application`."""

import sys

from passport import create_app
from passport.config import ConfigError
from passport.observability import configure_logging

configure_logging()

try:
    application = create_app()
except ConfigError as error:
    # One plain line, no traceback. Exit status 4 is the one gunicorn reads as "the app
    # cannot load": it stops, instead of starting workers that fail the same way forever.
    print(f"Health Passport cannot start: {error}", file=sys.stderr)
    raise SystemExit(4) from None
