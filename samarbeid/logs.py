"""No secret reaches a log (ASVS 5.0 V16): paths carry password-reset and calendar-feed
tokens, and Django's request logger writes the path of every 4xx/5xx. One filter on every
handler masks them, in the message, its arguments and the formatted traceback."""

from __future__ import annotations

import logging
import re

# A path segment long enough to be a token (reset tokens are 39+ characters, feed tokens 43;
# no route of the portal has a segment over 20 characters that is not a secret).
_SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-.~%]{21,}(?=[/?#\s\"')]|$)")
_SESSION = re.compile(r"(sessionid|csrftoken)=[^;\s\"']+", re.IGNORECASE)


def redact(text: str) -> str:
    return _SESSION.sub(r"\1=…", _SECRET_SEGMENT.sub("…", text))


def redact_path(path: str) -> str:
    """A path as it may be logged: long segments (tokens) masked."""
    return redact(path)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        # Django attaches the request to request-log records; no handler of ours needs it.
        if hasattr(record, "request"):
            record.request = None
        return True
