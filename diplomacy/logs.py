"""The log: every line on stderr, tagged with the id of the request it belongs to.

Each request gets an id (diplomacy.middleware.RequestIdMiddleware): the proxy's `X-Request-ID`
when it sent a sane one, else a fresh one. The id is answered in the response's `X-Request-ID`
header, printed in gunicorn's access log line (deploy/gunicorn.conf.py) and added to every log
record written while the request runs, by `RequestIdFilter` on the handler — so an error's
traceback, a slow-request warning and the access log line of one request share one id.

`LOG_FORMAT=json` writes one JSON object per line (for log collectors); otherwise plain text
for a person reading journald. A traceback stays inside its record: in JSON it is one field of
one line; in plain text it follows the line that carries the id.
"""

import json
import logging
import re
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.signals import request_finished

# Requests without an id (a management command, a thread of its own) log "-".
NO_REQUEST = "-"
request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# What an incoming X-Request-ID may be: nginx's $request_id (32 hex digits), a UUID, or any
# other short token. Anything else (too long, spaces, control characters) is replaced, so a
# client cannot write arbitrary text into the log through the header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def new_request_id(incoming: str | None = None) -> str:
    """The incoming id when it is sane, else a new random one (32 hex digits)."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(16)


def end_request(**kwargs) -> None:
    """request_finished: the thread's next log lines belong to no request until the next one
    starts."""
    request_id.set(NO_REQUEST)


request_finished.connect(end_request, dispatch_uid="diplomacy.logs.end_request")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


# Attributes every LogRecord has; anything else was passed with `extra=` and is worth printing.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time, level, logger, request_id, message, the
    `extra=` fields, and the traceback (`exc_info`) as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD and not key.startswith("_")
        )
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, json_lines: bool, level: str) -> dict:
    """settings.LOGGING: one handler, on stderr, for every logger. Django's own loggers keep no
    handlers of their own (its defaults would send errors to `mail_admins`, or print them a
    second time with DEBUG on): their records reach the root handler once."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "diplomacy.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": "diplomacy.logs.JsonFormatter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": "json" if json_lines else "plain",
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Replaces Django's default handlers (console when DEBUG, mail_admins otherwise).
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            # django-axes tells of every sign-in at INFO (and of itself on every command);
            # failures and lockouts come at WARNING.
            "axes": {"level": "WARNING"},
        },
    }
