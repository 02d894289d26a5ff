"""Nothing a signed-in person sees is kept by a browser or a proxy.

Every response to a signed-in person (every child-level page and download among them) is marked
``Cache-Control: no-store`` (with Django's other never-cache headers), so the back button on a shared computer
after signing out, a browser's disk cache and any proxy keep none of it. Static files (served by WhiteNoise
before this middleware runs) and the sign-in page are cached as usual.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
