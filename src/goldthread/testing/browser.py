"""Browser-test helpers for goldthread: Playwright (sync API) driving Debian's chromium, axe-core for WCAG.

These work with any Playwright ``Page``; the pytest fixtures that create one against Django's live server
are in goldthread.testing.pytest_browser.

    find_chromium()                         the chromium executable to drive (GOLDTHREAD_CHROMIUM or Debian's)
    log_in(page, username, password)        sign in through the real login form
    assert_accessible(page)                 axe-core, WCAG 2.0/2.1/2.2 A and AA; fails with a readable report
    axe_violations(page)                    the same check, returning the violations instead of failing
    assert_keyboard_reachable(page, sel)    Tab from the top of the page until `sel` has focus (bounded)
    visible_text(page)                      the rendered text, whitespace collapsed
    BrowserLog                              console messages, page errors, requests and Content-Security-Policy
                                            refusals of a context

Nothing here downloads anything: chromium comes from Debian (never `playwright install`), axe-core is the
committed axe.min.js beside this module (see README.md here for its version and how to refresh it).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response, WebError

AXE_JS = Path(__file__).resolve().with_name("axe.min.js")
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a rules: 2.2's new level-A criteria are
# covered under the older tags or not automatable).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Headless, offline and quiet: no sandbox (containers, root), no GPU, no QUIC, and none of chromium's own
# background traffic (component updates, sync, safe-browsing lists...), so every request a test sees is the page's.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_TIMEOUT_MS = 10_000


class ChromiumNotFound(RuntimeError):
    """No usable chromium executable; the message says where we looked and how to install one."""


def find_chromium() -> str:
    """The chromium to drive: $GOLDTHREAD_CHROMIUM if set, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("GOLDTHREAD_CHROMIUM", "").strip()
    if configured:
        if _is_executable(configured):
            return configured
        raise ChromiumNotFound(f"GOLDTHREAD_CHROMIUM={configured} is not an executable file.")
    if _is_executable(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumNotFound(
        f"No chromium found (looked at $GOLDTHREAD_CHROMIUM, {DEBIAN_CHROMIUM} and PATH). Install Debian's package "
        "(sudo apt-get install chromium; `./dev test` does it when run as root) or set GOLDTHREAD_CHROMIUM to a "
        "chromium executable. `playwright install` is not used: goldthread never downloads browsers.")


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs on this machine (localhost, 127.0.0.0/8, ::1) and for URLs that fetch nothing
    from a network (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- what the browser did ------------------------------------------------------------------------------------


@dataclass
class BrowserLog:
    """Console messages, uncaught page errors, requests, failed requests and HTTP errors seen in one context."""

    console: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, "url:line")
    page_errors: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, url)
    failed_requests: list[tuple[str, str]] = field(default_factory=list)  # (url, failure)
    http_errors: list[tuple[int, str]] = field(default_factory=list)  # (status, url), status >= 400

    def attach(self, context: BrowserContext) -> BrowserLog:
        context.on("console", self._on_console)
        context.on("weberror", self._on_web_error)
        context.on("request", self._on_request)
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        where = message.location or {}
        self.console.append((message.type, message.text, f"{where.get('url', '')}:{where.get('lineNumber', '')}"))

    def _on_web_error(self, error: WebError) -> None:
        self.page_errors.append(str(error.error))

    def _on_request(self, request: Request) -> None:
        self.requests.append((request.method, request.url))

    def _on_request_failed(self, request: Request) -> None:
        self.failed_requests.append((request.url, request.failure or ""))

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.http_errors.append((response.status, response.url))

    @property
    def console_errors(self) -> list[str]:
        return [f"{text} ({where})" for kind, text, where in self.console if kind == "error"] + self.page_errors

    @property
    def csp_violations(self) -> list[str]:
        """What the page's Content-Security-Policy refused (chromium reports each refusal on the console)."""
        return [f"{text} ({where})" for _, text, where in self.console
                if "Content Security Policy" in text or "Content-Security-Policy" in text]

    def assert_no_csp_violations(self) -> None:
        refused = self.csp_violations
        assert not refused, "The Content-Security-Policy refused something:\n" + "\n".join(f"  - {r}" for r in refused)

    @property
    def urls(self) -> list[str]:
        return [url for _, url in self.requests]

    @property
    def external_urls(self) -> list[str]:
        return [url for url in self.urls if not is_loopback_url(url)]

    def assert_no_console_errors(self) -> None:
        errors = self.console_errors
        assert not errors, "The browser reported errors:\n" + "\n".join(f"  - {e}" for e in errors)

    def assert_only_loopback(self) -> None:
        external = self.external_urls
        assert not external, (
            "The page asked for resources off this machine (goldthread must work offline, no CDN):\n"
            + "\n".join(f"  - {u}" for u in external))

    def summary(self) -> str:
        lines = [f"requests ({len(self.requests)}):"] + [f"  {m} {u}" for m, u in self.requests]
        lines += [f"HTTP errors: {s} {u}" for s, u in self.http_errors]
        lines += [f"failed: {u} ({why})" for u, why in self.failed_requests]
        lines += [f"console {kind}: {text} ({where})" for kind, text, where in self.console]
        lines += [f"page error: {e}" for e in self.page_errors]
        return "\n".join(lines)


# --- signing in ----------------------------------------------------------------------------------------------


def log_in(page: Page, username: str, password: str, *, path: str = "/accounts/login/",
           username_field: str = "username", password_field: str = "password", button: str = "Sign in",  # noqa: S107
           next_path: str | None = None) -> None:
    """Sign in through the real login form at `path` (relative to the context's base_url, i.e. the live server).

    Fills the inputs named `username_field` and `password_field` in the form holding the password input, clicks
    the button whose accessible name is exactly `button`, and fails if the browser is still on the login page
    afterwards (wrong password, locked out, CSRF failure...), quoting what the page said.
    """
    page.goto(path + (f"?next={quote(next_path)}" if next_path else ""))
    form = page.locator("form").filter(has=page.locator(f'[name="{password_field}"]'))
    form.locator(f'[name="{username_field}"]').fill(username)
    form.locator(f'[name="{password_field}"]').fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()
    if urlsplit(page.url).path == urlsplit(path).path:
        raise AssertionError(f"Signing in as {username!r} failed: still on {page.url}. The page says: "
                             f"{visible_text(page, 'main')[:500]}")


# --- accessibility -------------------------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def inject_axe(page: Page) -> None:
    """Load the committed axe.min.js into the page (once per document)."""
    if page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        return
    # Evaluated over the DevTools protocol, which a page's Content-Security-Policy does not govern. (A <script>
    # tag would be an inline script: goldthread's policy refuses it, and the browser reports a violation.)
    page.evaluate(_axe_source())
    version = page.evaluate("() => window.axe && window.axe.version")
    if not version:
        raise AssertionError(f"axe-core could not be loaded into {page.url}")


_AXE_RUN = """
async ([context, options]) => {
  const result = await window.axe.run(context === null ? document : context, options);
  return {
    version: result.testEngine.version,
    url: result.url,
    passes: result.passes.length,
    incomplete: result.incomplete.map(r => r.id),
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })),
  };
}
"""


def run_axe(page: Page, *, context: Any = None, tags: tuple[str, ...] = WCAG_TAGS,
            disable: tuple[str, ...] | list[str] = ()) -> dict:
    """Run axe-core on the page's current document; returns {version, url, passes, incomplete, violations}.

    `context` is axe's context: None for the whole document, a CSS selector, or {"include": [...], "exclude": [...]}.
    `disable` turns off rule ids (say why in the test).
    """
    inject_axe(page)
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return page.evaluate(_AXE_RUN, [context, options])


def axe_violations(page: Page, **kwargs: Any) -> list[dict]:
    """The axe violations on the page (see run_axe for the arguments)."""
    return run_axe(page, **kwargs)["violations"]


def _target(target: list) -> str:
    return " ".join(t if isinstance(t, str) else " >>> ".join(t) for t in target)


def format_violations(results: dict) -> str:
    """A readable report of axe results: rule, impact, help, and each failing element's selector and HTML."""
    violations = results["violations"]
    lines = [f"axe-core {results['version']} found {len(violations)} WCAG A/AA violation(s) on {results['url']}:"]
    for v in violations:
        lines.append(f"\n[{v['impact'] or 'unknown'}] {v['id']}: {v['help']}")
        lines.append(f"    {v['helpUrl']}")
        for node in v["nodes"]:
            html = " ".join(node["html"].split())
            lines.append(f"    - {_target(node['target'])}")
            lines.append(f"      {html[:200]}{'...' if len(html) > 200 else ''}")
            for detail in (node.get("summary") or "").splitlines()[:4]:
                if detail.strip():
                    lines.append(f"      | {detail.strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page, *, context: Any = None, tags: tuple[str, ...] = WCAG_TAGS,
                      disable: tuple[str, ...] | list[str] = ()) -> dict:
    """Fail with a readable report if axe-core finds WCAG 2.0/2.1/2.2 A or AA violations; returns the results."""
    results = run_axe(page, context=context, tags=tags, disable=disable)
    if results["violations"]:
        raise AssertionError(format_violations(results))
    return results


# --- keyboard and text ---------------------------------------------------------------------------------------

_FOCUSED = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return '(nothing)';
  let s = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
  if (typeof e.className === 'string' && e.className.trim()) s += '.' + e.className.trim().split(/\\s+/).join('.');
  const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  return text ? `${s} "${text.slice(0, 40)}"` : s;
}
"""
_HAS_FOCUS = """
(selector) => {
  const e = document.activeElement;
  return !!e && e !== document.body && [...document.querySelectorAll(selector)].some(t => t === e || t.contains(e));
}
"""
_FROM_THE_TOP = """
() => {
  const start = document.createElement('span');
  start.tabIndex = -1;
  start.setAttribute('data-goldthread-focus-start', '');
  document.body.prepend(start);
  start.focus();
}
"""


def assert_keyboard_reachable(page: Page, selector: str, *, max_tabs: int = 40, from_start: bool = True) -> int:
    """Press Tab until an element matching `selector` (or something inside it) has focus; return how many presses.

    With `from_start` (default) focus first moves to the very top of the body, as on a freshly loaded page,
    so the count is the number of Tab presses a keyboard user needs. Fails after `max_tabs` presses, listing
    the elements that received focus on the way.
    """
    if page.locator(selector).count() == 0:
        raise AssertionError(f"No element matches {selector!r} on {page.url}")
    if from_start:
        page.evaluate(_FROM_THE_TOP)
    path = []
    try:
        for presses in range(1, max_tabs + 1):
            page.keyboard.press("Tab")
            if page.evaluate(_HAS_FOCUS, selector):
                return presses
            path.append(page.evaluate(_FOCUSED))
    finally:
        if from_start:
            page.evaluate("() => document.querySelector('[data-goldthread-focus-start]')?.remove()")
    raise AssertionError(f"{selector!r} did not receive focus after {max_tabs} Tab presses on {page.url}. "
                         "Focus went to:\n" + "\n".join(f"  {i}. {p}" for i, p in enumerate(path, 1)))


def visible_text(page: Page, selector: str = "body") -> str:
    """The text a sighted reader gets from the first element matching `selector` (innerText: display:none and
    visibility:hidden excluded), with runs of whitespace collapsed to one space."""
    return " ".join(page.locator(selector).first.inner_text().split())
