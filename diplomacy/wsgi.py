"""WSGI entry point for gunicorn: `gunicorn diplomacy.wsgi`.

It marks the process as the web server (DIPLOMACY_WEB=1) before the settings are read, so the
web's database connections carry the statement timeout (DB_STATEMENT_TIMEOUT_MS) while
management commands, which never load this module, run unbounded."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
os.environ["DIPLOMACY_WEB"] = "1"

application = get_wsgi_application()
