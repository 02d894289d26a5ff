"""Filters for the national pages."""

from django import template

register = template.Library()


@register.filter
def percent(probability, digits: int = 0) -> str:
    """A probability (0-1) as a percentage: 0.153 -> "15%"."""
    if probability is None:
        return "–"
    return f"{100 * float(probability):.{int(digits)}f}%"


@register.filter
def share(value) -> str:
    """A share already in percent: 43.2 -> "43%"."""
    return "–" if value is None else f"{float(value):.0f}%"


@register.filter
def decimals(value, digits: int = 2) -> str:
    return "–" if value is None else f"{float(value):.{int(digits)}f}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def intcomma_days(days) -> str:
    """Days in grade, with the years beside them: 2013 -> "2,013 days (5.5 years)"."""
    if days is None:
        return "–"
    return f"{int(days):,} days ({int(days) / 365.25:.1f} years)"
