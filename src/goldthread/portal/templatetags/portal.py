from django import template

from goldthread.accounts.access import CAPABILITIES
from goldthread.accounts.models import display_name
from goldthread.charts import format_value

register = template.Library()


@register.filter
def capabilities(access) -> frozenset[str]:
    return CAPABILITIES[access.role]


@register.filter
def measure_value(value, unit: str) -> str:
    return format_value(value, unit)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def person(user, default: str = "") -> str:
    """A person's full name, else their username; ``default`` when there is nobody."""
    if user is None:
        return default
    return display_name(user)
