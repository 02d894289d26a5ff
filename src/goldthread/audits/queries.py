"""What the audit pages and measures read: a council's audits and actions as the tables the case-audit
measures take (goldthread.core.measures.audit_measures), and the stored audit measure values."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

from goldthread.core.measures import REGISTRY, Context, Result

from .models import Audit, AuditAction

AUDIT_COLUMNS = ["audit_id", "child_id", "allocated_team", "allocated_worker", "tool_kind", "status",
                 "submitted_on", "overall_grade", "moderated", "moderated_grade"]
ACTION_COLUMNS = ["action_id", "audit_id", "child_id", "allocated_team", "allocated_worker", "created_on",
                  "due_date", "closed_on", "verified_on", "status"]


def _day(moment) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


class AuditData:
    """A council's completed audits and their actions, as ``table("audits")`` and ``table("audit_actions")``."""

    def __init__(self, council):
        audits = Audit.objects.filter(council=council, status__in=(Audit.SUBMITTED, Audit.MODERATED)).select_related(
            "tool_version__tool")
        self.audits = _dates(pd.DataFrame([{
            "audit_id": a.pk, "child_id": a.child_id, "allocated_team": a.allocated_team or None,
            "allocated_worker": a.allocated_worker or None, "tool_kind": a.tool_version.tool.kind, "status": a.status,
            "submitted_on": _day(a.submitted_at), "overall_grade": a.overall_grade or None,
            "moderated": a.status == Audit.MODERATED, "moderated_grade": a.moderated_grade or None,
        } for a in audits], columns=AUDIT_COLUMNS), ["submitted_on"])
        actions = AuditAction.objects.filter(council=council).select_related("audit")
        self.actions = _dates(pd.DataFrame([{
            "action_id": x.pk, "audit_id": x.audit_id, "child_id": x.audit.child_id,
            "allocated_team": x.audit.allocated_team or None, "allocated_worker": x.audit.allocated_worker or None,
            "created_on": _day(x.created_at), "due_date": x.due_date, "closed_on": _day(x.closed_at),
            "verified_on": _day(x.verified_at), "status": x.status,
        } for x in actions], columns=ACTION_COLUMNS), ["created_on", "due_date", "closed_on", "verified_on"])

    def table(self, name):
        if name == "audits":
            return self.audits
        if name == "audit_actions":
            return self.actions
        raise KeyError(f"Case-audit measures read 'audits' and 'audit_actions', not {name!r}.")

    @property
    def first_day(self) -> dt.date | None:
        days = [d for d in (self.audits["submitted_on"].min(), self.actions["created_on"].min()) if not pd.isna(d)]
        return min(days).date() if days else None


def audit_result(council, measure_id: str, as_at: dt.date | None = None) -> Result:
    """One case-audit measure as at a date (today by default), with the rows and breakdowns behind it."""
    return REGISTRY[measure_id].compute(AuditData(council), Context(as_at=as_at or timezone.localdate()))
