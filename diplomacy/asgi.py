"""ASGI entry point. Like diplomacy/wsgi.py, it marks the web process (DIPLOMACY_WEB=1) so its
database connections carry the statement timeout."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
os.environ["DIPLOMACY_WEB"] = "1"

application = get_asgi_application()
