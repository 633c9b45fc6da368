"""Log lines: one JSON object a line in production, the request's id on every line,
and no personal data.

- ``RequestIdFilter`` puts the id of the request being served (set by
  ``cms.middleware.RequestIdMiddleware`` in a context variable) on each record, so
  that every line a request causes, tracebacks included, can be found by the id its
  response carried in ``X-Request-ID``.
- ``PersonalDataFilter`` masks mainland mobile numbers (11 digits starting 13-19)
  and resident ID numbers (17 digits and a digit or X) in the message and the
  traceback, keeping the last four characters, as pages show them. It runs on the
  handler, so it sees what every logger sends there (Django's included).
- ``JsonFormatter`` writes the record as one line of JSON (time, level, logger,
  message, request id, method, path and status when the record is about a request,
  the traceback as one string).

This module imports nothing from Django: the settings import it.
"""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id = contextvars.ContextVar("shouwang_request_id", default="-")

# Mobile numbers as people write them (and the sign-in accepts them): 13812345678,
# +8613812345678, 86-138-1234-5678, 138 1234 5678, 138-1234-5678.
PHONE = re.compile(
    r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?([0-9]{4})(?![0-9])"
)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{14}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask(text):
    """``text`` with phone and ID numbers replaced by stars and their last four."""
    if not text:
        return text
    text = ID_NUMBER.sub(lambda m: "*" * 14 + m.group(1), text)
    return PHONE.sub(lambda m: "*" * 7 + m.group(1), text)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            # Django logs a 4xx response after the middleware has returned: the
            # record then carries the request itself.
            record.request_id = (
                getattr(getattr(record, "request", None), "id", None)
                or request_id.get()
            )
        return True


class PersonalDataFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        masked = mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            line["method"] = getattr(request, "method", None)
            line["path"] = request.path
        if hasattr(record, "status_code"):
            line["status"] = record.status_code
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


def config(*, json_lines=False, level="INFO"):
    """The ``LOGGING`` setting: everything to the process's standard output through
    the two filters; JSON lines in production, readable text elsewhere. Django's
    request errors (5xx with their traceback, 4xx as warnings) and the project's
    own loggers (``shouwang.*``) are kept; ``django.server`` (runserver's access
    log) keeps Django's own handler."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "cms.logs.RequestIdFilter"},
            "personal_data": {"()": "cms.logs.PersonalDataFilter"},
        },
        "formatters": {
            "json": {"()": "cms.logs.JsonFormatter"},
            "text": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] "
                "%(message)s"
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id", "personal_data"],
                "formatter": "json" if json_lines else "text",
            }
        },
        # One handler, on the root: the named loggers only set levels and pass their
        # records up (so pytest's caplog still sees them). Naming "django" removes
        # Django's default handlers (console only with DEBUG, mail to admins).
        "loggers": {
            "django": {"level": "INFO"},
            "shouwang": {"level": level},
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
    }
