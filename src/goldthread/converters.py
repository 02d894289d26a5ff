"""URL path converters for identifiers, registered once (importing this module registers them).

``<text:...>`` carries free text from data (team names, child IDs, worker names) in one path segment. A "/" in
a team name cannot simply be percent-encoded: the web server decodes %2F to "/" before Django routes the path,
so "Team A/B" would become two segments and no route would match. So the few characters that could break a
route are written as "~" and two hex digits, a form no server or browser decodes or normalises:

    "/" ~2F    "\\" ~5C    "%" ~25    "~" ~7E    "?" ~3F    "#" ~23    control characters ~00 to ~1F, ~7F

and a segment that is only dots ("." or "..", which browsers would resolve as "this folder" or "up one") has
each dot written ~2E. Every other character is left as it is (Django percent-encodes spaces and non-ASCII
when it builds the URL), so ordinary IDs read as themselves: /children/10721552/, /teams/North%20Team/. The
empty text is a lone "~". Any other "~" not followed by two hex digits is not a valid segment: a 404.

``<id:...>`` is a database id: 1 to 18 digits. A longer number would overflow SQLite's and PostgreSQL's 64-bit
integers and fail with a 500; with at most 18 digits it is simply a page that does not exist (404).

Templates get the encoding from ``{% url %}`` and views from ``reverse``/``redirect``; a URL built by hand
from an identifier must use ``encode_text``.
"""

from __future__ import annotations

import re

from django.urls import register_converter

ESCAPE = "~"
EMPTY = ESCAPE
_ESCAPED = frozenset("/\\%~?#") | {chr(c) for c in range(0x20)} | {"\x7f"}
_HEX = "0123456789abcdefABCDEF"


def encode_text(value) -> str:
    """The path segment for a piece of text (see the module docstring)."""
    text = str(value)
    if text == "":
        return EMPTY
    if set(text) == {"."}:
        return "~2E" * len(text)
    return "".join(f"{ESCAPE}{ord(ch):02X}" if ch in _ESCAPED else ch for ch in text)


def decode_text(segment: str) -> str:
    """The text a path segment stands for; ValueError if it is not one ``encode_text`` could have written."""
    if segment == EMPTY:
        return ""
    out, i = [], 0
    while i < len(segment):
        ch = segment[i]
        if ch == ESCAPE:
            code = segment[i + 1:i + 3]
            if len(code) != 2 or code[0] not in _HEX or code[1] not in _HEX:
                raise ValueError(f"an incomplete escape at character {i + 1}")
            out.append(chr(int(code, 16)))
            i += 3
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class TextConverter:
    """Free text in one path segment, escaped as described above."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return decode_text(value)

    def to_url(self, value) -> str:
        return encode_text(value)


MAX_ID_DIGITS = 18


class IdConverter:
    """A database id of 1 to 18 digits: anything longer is not a page (404), never an overflow (500)."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"
    _pattern = re.compile(regex)

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        text = str(int(value))
        if not self._pattern.fullmatch(text):
            raise ValueError(f"not a database id: {value!r}")
        return text


register_converter(TextConverter, "text")
register_converter(IdConverter, "id")
