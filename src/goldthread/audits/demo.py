"""Case audits for the demo: three months of programmes in a council, completed, moderated and followed up,
so that the audit pages, the learning page and the dashboard's audit measures have something to show.

Only ``goldthread demo`` calls this. It goes through the same actions people use, then dates each programme,
audit, moderation and action back to when it would have happened (the actions stamp the present moment), never
later than now, so that a past board meeting's view of the plan sees only the audits known then."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from goldthread.core.audits.tools import GRADES

from . import actions as do
from .models import Audit, AuditAction, AuditTool, Programme
from .pages import DEFAULT_THEMES

# Grades drawn for the demo, best first; later months do a little better (the council is improving).
WEIGHTS_BY_MONTH = ((1, 4, 5, 3), (1, 5, 5, 2), (2, 6, 4, 1))


def _moment(day: dt.date) -> dt.datetime:
    """11 o'clock that day, or now if that has not come yet (the last month's work may run into this month)."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0))), timezone.now())


def demo_audits(council, *, auditor, moderator, owner, last_month_end: dt.date, seed: int = 5) -> int:
    """Create the demo's audits in ``council`` unless it has some already. Returns how many were completed."""
    if Audit.objects.filter(council=council).exists():
        return 0
    rng = random.Random(seed)
    do.ensure_shipped_tools(council, auditor)
    tool = AuditTool.objects.get(council=council, kind="full")
    firsts = []
    day = last_month_end.replace(day=1)
    for _ in range(3):
        firsts.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    completed = 0
    for weights, first in zip(WEIGHTS_BY_MONTH, sorted(firsts), strict=True):
        programme = do.create_programme(council, title=f"Case audits, {first:%B %Y}", month=first,
                                        tool_version=tool.current, size=8, method="risk", seed=rng.randrange(10**6),
                                        user=auditor)
        Programme.objects.filter(pk=programme.pk).update(created_at=_moment(first))
        programme.audits.update(created_at=_moment(first), updated_at=_moment(first))
        for audit in programme.audits.order_by("pk")[:6]:
            do.allocate(audit, auditor)
            findings = {s["key"]: {"evidence": f"Seen in the record: {s['title'].lower()}.",
                                   "grade": rng.choices(GRADES, weights=weights)[0]}
                        for s in audit.tool_version.sections}
            overall = rng.choices(GRADES, weights=weights)[0]
            do.save_audit(audit, revision=audit.revision, findings=findings, overall_grade=overall,
                          summary="The child is seen regularly; the plan needs clearer outcomes.",
                          themes=rng.sample(DEFAULT_THEMES, 2), user=auditor, submit=True)
            submitted = first + dt.timedelta(days=rng.randrange(5, 25))
            Audit.objects.filter(pk=audit.pk).update(submitted_at=_moment(submitted), updated_at=_moment(submitted))
            completed += 1
            audit.refresh_from_db()
            if rng.random() < 0.6:
                changed = rng.random() < 0.3
                grade = GRADES[min(GRADES.index(overall) + 1, 3)] if changed else overall
                do.moderate(audit, moderator, overall_grade=grade, sections={},
                            reason="Evidence of impact for the child is thin." if changed else "")
                Audit.objects.filter(pk=audit.pk).update(
                    moderated_at=_moment(submitted + dt.timedelta(days=rng.randrange(2, 8))))
            action = do.add_action(audit, kind="child", description="Update the child's plan with clear outcomes and "
                                   "a contingency plan.", owner=owner, due_date=submitted + dt.timedelta(days=21),
                                   priority="high", user=auditor)
            AuditAction.objects.filter(pk=action.pk).update(created_at=_moment(submitted))
            if rng.random() < 0.7:
                do.close_action(action, owner, evidence="Plan reviewed with the family; outcomes recorded.")
                closed = submitted + dt.timedelta(days=rng.randrange(7, 30))
                AuditAction.objects.filter(pk=action.pk).update(closed_at=_moment(closed))
                if rng.random() < 0.7:
                    do.verify_action(action, auditor, accept=True, note="Seen in the child's record.")
                    AuditAction.objects.filter(pk=action.pk).update(
                        verified_at=_moment(closed + dt.timedelta(days=3)))
    do.recompute_audit_measures(council)
    return completed
