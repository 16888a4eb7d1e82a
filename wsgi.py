"""The WSGI entry point: `gunicorn wsgi:application`."""

from passport import create_app

application = create_app()
