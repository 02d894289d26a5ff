"""Nothing personal goes to logs: request paths are logged as the route they matched, never as typed.

Django logs the path of every 4xx/5xx response (``django.request``: "Not Found: /councils/E06999901/children/
10721552/"), of CSRF failures (``django.security.csrf``) and, under runserver, of every request
(``django.server``). goldthread's paths carry child IDs, team and worker names, so ``RequestPathFilter``
replaces each path in such a record by its URL pattern ("/councils/<str:la>/children/<text:child_id>/") and
a path that matches no page by "(a path that matches no page)"; the query string is always left out.
settings.LOGGING puts it on those loggers (so every handler, and pytest's caplog, sees the record without the
path) and on the console handler, which catches any other record from Django or about a request that reaches it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

NO_PAGE = "(a path that matches no page)"
# A URL path standing alone in a message: "/..." not preceded by a word character or a slash (so "HTTP/1.1"
# and "a/b" are left alone), up to whitespace or a quote.
_PATH = re.compile(r"(?<![\w/])/[^\s\"']*")
_DONE = "_goldthread_paths_replaced"


def route_of(path: str, *, encoded: bool) -> str:
    """The URL pattern ``path`` matches ("/councils/<str:la>/children/<text:child_id>/"), or NO_PAGE.
    ``encoded``: the path is still percent-encoded (as in an HTTP request line)."""
    from django.urls import Resolver404, resolve

    path = path.split("?", 1)[0].split("#", 1)[0]
    try:
        match = resolve(unquote(path) if encoded else path)
    except Resolver404:
        return NO_PAGE
    return "/" + match.route


def _request_route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match, "route", None):
        return "/" + match.route
    return route_of(request.path_info, encoded=False)


def _replace_paths(value, encoded: bool):
    if not isinstance(value, str) or "/" not in value:
        return value
    return _PATH.sub(lambda m: route_of(m.group(0), encoded=encoded), value)


class RequestPathFilter(logging.Filter):
    """Rewrite a log record so no request path (nor its query string) is in it; never drops the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True
        if not (record.name == "django" or record.name.startswith("django.") or hasattr(record, "request")):
            return True  # goldthread's own messages name no paths (and file paths in them must stay as they are)
        try:
            self._rewrite(record)
        except Exception:  # a log line must never fail a request; say less rather than more
            record.msg, record.args = "%s (details left out of the log)", (record.levelname.lower(),)
        setattr(record, _DONE, True)
        return True

    @staticmethod
    def _rewrite(record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        known = {}
        if request is not None and hasattr(request, "path_info"):  # an HttpRequest (not runserver's socket)
            route = _request_route(request)
            known = {request.path: route, request.path_info: route, request.get_full_path(): route}
        # runserver's request lines are as sent, so percent-encoded; Django's own messages carry request.path.
        encoded = record.name.startswith("django.server")
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(known.get(a, a) if isinstance(a, str) and a in known else _replace_paths(a, encoded)
                                for a in args)
        elif isinstance(args, dict):
            record.args = {k: known.get(v, v) if isinstance(v, str) and v in known else _replace_paths(v, encoded)
                           for k, v in args.items()}
        if isinstance(record.msg, str):
            for path in sorted(known, key=len, reverse=True):
                record.msg = record.msg.replace(path, known[path]) if path != "/" else record.msg
            if not record.args:
                record.msg = _replace_paths(record.msg, encoded)
