from django import template

from goldthread.accounts.access import CAPABILITIES
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
