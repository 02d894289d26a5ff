from django.shortcuts import render

from goldthread.core.measures import GROUPS, REGISTRY


def measure_list(request):
    """Until the portal lands: the measures goldthread computes, grouped as practice flows."""
    groups = [(label, [m for m in REGISTRY.values() if m.group == key]) for key, label in GROUPS.items()]
    return render(request, "councils/measure_list.html", {"groups": groups})
