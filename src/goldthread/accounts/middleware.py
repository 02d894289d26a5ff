"""Sessions end after 30 minutes without activity, without a database write on every page view."""

from __future__ import annotations

import time

TOUCH_EVERY_SECONDS = 60
_KEY = "_touched"


class SessionActivityMiddleware:
    """Refresh the session's expiry at most once a minute while someone is active. Saving the session on
    every request (SESSION_SAVE_EVERY_REQUEST) would do the same with one database write per page view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(_KEY, 0) >= TOUCH_EVERY_SECONDS:
                session[_KEY] = now  # marks the session modified, so it is saved with a fresh expiry
        return response
