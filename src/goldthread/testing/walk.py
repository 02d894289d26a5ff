"""Helpers for browser walks through goldthread's pages (Playwright pages, as the fixtures in
``goldthread.testing.pytest_browser`` give them): reading what a person sees, following links and buttons, and
``Findings``, which reviews every page on the way (heading, axe, error titles and links, distinct field names)
and reports all the problems at the end."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .browser import assert_accessible, visible_text

# The rows of the table in <main> whose caption is (or, with a trailing "*", starts with) `caption`, visible or
# not: [{column header: cell text}], or null when there is no such table.
_TABLE = """
(caption) => {
  const wanted = caption.endsWith('*') ? c => c.startsWith(caption.slice(0, -1)) : c => c === caption;
  const table = [...document.querySelectorAll('main table')].find(
    t => t.caption && wanted(t.caption.textContent.trim().replace(/\\s+/g, ' ')));
  if (!table) return null;
  const heads = [...table.tHead.rows[0].cells].map(c => c.textContent.trim().replace(/\\s+/g, ' '));
  return [...table.tBodies[0].rows].map(r => Object.fromEntries(
    [...r.cells].map((c, i) => [heads[i], c.innerText.trim().replace(/\\s+/g, ' ')])));
}
"""
# Every visible form control's name as a screen reader announces it in forms mode: its label, after the
# legend of each fieldset around it. Two controls with the same name cannot be told apart.
_FIELD_NAMES = """
() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
  .map(e => {
    const label = [...(e.labels || [])].map(l => l.innerText.trim()).join(' ')
      || e.getAttribute('aria-label') || '(no label)';
    const legends = [];
    for (let f = e.closest('fieldset'); f; f = f.parentElement.closest('fieldset')) {
      const legend = f.querySelector(':scope > legend');
      if (legend) legends.unshift(legend.innerText.trim());
    }
    return [...legends, label].join(' > ').replace(/\\s+/g, ' ');
  })
"""
# The error summary's links whose target (#id) is not on the page: clicking them moves focus nowhere.
_DEAD_ERROR_LINKS = """
() => [...document.querySelectorAll('.govuk-error-summary__list a')]
  .filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))))
  .map(a => `${a.textContent.trim()} (${a.hash})`)
"""


def follow(page, locator) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded."""
    with page.expect_navigation():
        locator.click()


def heading(page) -> str:
    return visible_text(page, "h1")


def banner(page) -> str:
    """The notification banner's text (a success or error message after a form was sent)."""
    return visible_text(page, ".govuk-notification-banner")


def main_text(page) -> str:
    return visible_text(page, "main")


def error_summary(page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".govuk-error-summary__list li").all_inner_texts()]


def table(page, caption: str) -> list[dict[str, str]]:
    """The rows of the table captioned ``caption`` (a trailing "*" matches a caption's start)."""
    rows = page.evaluate(_TABLE, caption)
    assert rows is not None, f"No table captioned {caption!r} on {page.url}"
    return rows


def fill_date(page, legend: str, day: dt.date) -> None:
    """Fill the GOV.UK date input whose legend is ``legend``."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def link_names(page, *names: str) -> list[str]:
    """Which of these link or button names the page's <main> offers."""
    main = page.locator("main")
    return [n for n in names if main.get_by_role("link", name=n, exact=True).count()
            or main.get_by_role("button", name=n, exact=True).count()]


def sign_out(page) -> None:
    follow(page, page.get_by_role("link", name=re.compile(r"^Sign out")))
    follow(page, page.get_by_role("button", name="Sign out"))
    assert heading(page) == "Sign in to goldthread"


class Findings:
    """Accessibility and content problems found on the way. The walk goes on past them (so one run reports
    them all), and the test fails at the end listing every one."""

    def __init__(self, page, where: str = "the pages"):
        self.page, self.where, self.problems = page, where, []

    def expect(self, ok: bool, problem: str) -> None:
        found = f"{self.page.url}\n  {problem}"
        if not ok and found not in self.problems:
            self.problems.append(found)

    def review(self, h1: str) -> None:
        """The expected heading (the walk stops if not), no WCAG 2.2 A/AA violation (axe), "Error: " before the
        title and error-summary links that lead somewhere when the form has errors, and form fields a screen
        reader user can tell apart."""
        page = self.page
        assert heading(page) == h1, f"Expected the heading {h1!r} on {page.url}, found {heading(page)!r}"
        try:
            assert_accessible(page)
        except AssertionError as violations:
            self.problems.append(str(violations))
        if page.locator(".govuk-error-summary").count():
            self.expect(page.title().startswith("Error: "), f"shows errors but its title is {page.title()!r}")
            dead = page.evaluate(_DEAD_ERROR_LINKS)
            self.expect(not dead, f"error summary links lead to no field on '{h1}': {dead}")
        names = page.evaluate(_FIELD_NAMES)
        repeated = sorted({n for n in names if names.count(n) > 1})
        self.expect(not repeated, f"form fields on '{h1}' share an accessible name, so a screen reader user "
                                  f"cannot tell them apart: {repeated}")

    def assert_none(self) -> None:
        if self.problems:
            pytest.fail(f"{len(self.problems)} problem(s) on {self.where}:\n\n" + "\n\n".join(self.problems),
                        pytrace=False)
