"""The Annex A view of a simulated history at a date: the eleven lists as clean typed rows."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Iterator

from .draws import (
    _add_months,
    _age,
    _below,
    _days,
    _int,
    _mix,
    _month_of,
    _month_start,
    _poisson,
    _random_day,
    _unit,
)
from .history import _History
from .records import (
    _Child,
    _CLAPeriod,
    _CPPlan,
    _Episode,
    _Leaver,
)
from .reference import (
    _ACCOMMODATION,
    _ASSESS,
    _CIN,
    _CLOSED,
    _CONTACT_SOURCE,
    _CONTACTS_PER_REFERRAL,
    _CPP,
    _EARLY_HELP_PER_REFERRAL,
    _LAC,
    _LEAVING_CARE,
    _LOCALITIES,
    _SCHOOLS,
    _UNSUITABLE_LIKELY,
)

date = dt.date


_EET = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
_EARLY_HELP_BY = ("{council} Family Hub {loc}", "Early Help Locality Team {n}", "{school} Primary School",
                  "{school} Academy", "Health Visiting Service", "{council} Youth Service",
                  "School Nursing Service")


class _View:
    """The eleven lists as at one date."""

    def __init__(self, history: _History, as_at: date) -> None:
        self.h = history
        self.cal = history.cal
        self.as_at = as_at
        self.window_start = _days(_add_months(as_at, -6), 1)  # first day of the six months to as_at
        self.year_start = _days(_add_months(as_at, -12), 1)  # first day of the twelve months to as_at
        self.window_months = range(max(0, _month_of(self.window_start)), _month_of(as_at) + 1)

    def lists(self) -> dict[int, list[dict]]:
        return {1: self.contacts(), 2: self.early_help(), 3: self.referrals(), 4: self.assessments(),
                5: self.s47s(), 6: self.children_in_need(), 7: self.child_protection(),
                8: self.children_in_care(), 9: self.care_leavers(), 10: self.adoption(), 11: self.adopters()}

    # ---- helpers

    def _on(self, d: date | None) -> date | None:
        """`d` if it has happened by as_at."""
        return d if d is not None and d <= self.as_at else None

    def _seen_by(self, start: date, end: date) -> date:
        """The day whose allocation a row shows: as_at for open work, the last day of closed work."""
        return self.as_at if end > self.as_at else max(start, _days(end, -1))

    def _child(self, child: _Child, disability: bool = False) -> dict:
        row = {"child_id": child.id, "gender": child.gender, "ethnicity": child.ethnicity,
               "date_of_birth": child.dob, "age": _age(child.dob, self.as_at)}
        if disability:
            row["disability"] = child.disability
        return row

    def _allocated(self, child: _Child, d: date, leaving: bool = False) -> dict:
        leaving_pool = self.h.pool(_LEAVING_CARE, 0)
        for spell in reversed(child.spells):
            if spell.start <= d and (spell.pool == leaving_pool) == leaving:
                team, worker = self.h.allocation(spell, d)
                return {"allocated_team": team, "allocated_worker": worker}
        return {"allocated_team": None, "allocated_worker": None}

    def _known_child(self, rng: random.Random, m: int, on: date) -> _Child | None:
        """A child already known to the council, under 18 on `on`, or None."""
        known = self.h.children_by_month[m]
        if not known:
            return None
        child = self.h.children[known - 1 - _below(rng, min(known, 3000))]
        if child.dob < on and _age(child.dob, on) < 18:
            return child
        return None

    # ---- lists 1 and 2: generated month by month from their own streams

    def _month_contacts(self, m: int) -> Iterator[tuple[date, _Child, str]]:
        """A contact for each referral (on the day or a few days before, in the same month), and contacts that
        went no further, about known children or children the council has not met."""
        h = self.h
        rng = random.Random(f"{h.key}|contacts|{m}")
        month = _month_start(m)
        referrals = h.referrals_by_month[m]
        for referral in referrals:
            d = _days(referral.date, -rng.choice((0, 0, 0, 1, 2, 3)))
            yield (d if d >= month else referral.date), referral.child, referral.source
        for k in range(_poisson(rng, len(referrals) * _CONTACTS_PER_REFERRAL)):
            d = _random_day(rng, month, self.cal, weekend_share=0.15)
            child = self._known_child(rng, m, d) if rng.random() < 0.35 else None
            if child is None:
                child = h.new_child(rng, d, index=10_000_000 + m * 100_000 + k, register=False)
            yield d, child, _CONTACT_SOURCE.draw(rng)

    def contacts(self) -> list[dict]:
        rows, keys = [], set()
        for m in self.window_months:
            for d, child, source in self._month_contacts(m):
                if self.window_start <= d <= self.as_at and (child.id, d, source) not in keys:
                    keys.add((child.id, d, source))
                    rows.append({**self._child(child), "contact_date": d, "contact_source": source})
        return sorted(rows, key=lambda row: (row["contact_date"], row["child_id"]))

    def _month_early_help(self, m: int) -> Iterator[tuple[date, date | None, _Child, str]]:
        h = self.h
        rng = random.Random(f"{h.key}|early-help|{m}")
        month = _month_start(m)
        for k in range(_poisson(rng, len(h.referrals_by_month[m]) * _EARLY_HELP_PER_REFERRAL)):
            start = _random_day(rng, month, self.cal)
            child = self._known_child(rng, m, start) if rng.random() < 0.25 else None
            if child is None:
                child = h.new_child(rng, start, index=10_000_000 + m * 100_000 + 50_000 + k, register=False)
            done = self.cal.add(start, _int(rng, 10, 60)) if rng.random() < 0.9 else None
            by = rng.choice(_EARLY_HELP_BY).format(council=h.council, loc=_LOCALITIES[child.loc],
                                                   n=child.loc + 1, school=rng.choice(_SCHOOLS))
            yield start, done, child, by

    def early_help(self) -> list[dict]:
        rows, keys = [], set()
        for m in self.window_months:
            for start, done, child, by in self._month_early_help(m):
                if self.window_start <= start <= self.as_at and (child.id, start) not in keys:
                    keys.add((child.id, start))
                    rows.append({**self._child(child), "eh_start_date": start,
                                 "eh_completion_date": self._on(done), "eh_organisation": by})
        return sorted(rows, key=lambda row: (row["eh_start_date"], row["child_id"]))

    # ---- lists 3 to 7: the child in need pathway

    def referrals(self) -> list[dict]:
        rows = []
        for m in self.window_months:
            for ref in self.h.referrals_by_month[m]:
                if self.window_start <= ref.date <= self.as_at:
                    rows.append({**self._child(ref.child), "referral_date": ref.date,
                                 "referral_source": ref.source, "referral_nfa": ref.nfa,
                                 "referrals_last_12m": ref.count_12m,
                                 **self._allocated(ref.child, self._seen_by(ref.date, ref.episode.close))})
        return rows

    def assessments(self) -> list[dict]:
        rows = []
        for a in self.h.assessments:
            if a.start > self.as_at or a.authorised < self.window_start:
                continue
            done = a.authorised <= self.as_at
            rows.append({**self._child(a.child, disability=True), "assessment_start_date": a.start,
                         "child_seen": a.seen if done or (self.as_at - a.start).days >= 10 else None,
                         "assessment_authorised_date": a.authorised if done else None,
                         "needs_support": a.needs_support if done else None,
                         **self._allocated(a.child, self._seen_by(a.start, a.authorised))})
        return sorted(rows, key=lambda row: (row["assessment_start_date"], row["child_id"]))

    def s47s(self) -> list[dict]:
        rows = []
        for s in self.h.s47s:
            if not self.window_start <= s.start <= self.as_at:
                continue
            earlier = s.child.s47s
            held = self._on(s.icpc)
            rows.append({**self._child(s.child, disability=True), "s47_start_date": s.start,
                         "icpc_unnecessary": (not s.icpc_needed) if s.decided <= self.as_at else None,
                         "icpc_date": held, "icpc_resulted_in_cpp": s.cpp if held else None,
                         "s47_last_12m": sum(1 for x in earlier if self.year_start <= x.start <= self.as_at),
                         "icpcs_last_12m": sum(1 for x in earlier
                                               if x.icpc and self.year_start <= x.icpc <= self.as_at),
                         **self._allocated(s.child, self._seen_by(s.start, s.icpc or s.decided))})
        return sorted(rows, key=lambda row: (row["s47_start_date"], row["child_id"]))

    def children_in_need(self) -> list[dict]:
        rows = []
        for ep in self.h.episodes:
            if ep.nfa or ep.start > self.as_at or ep.close < self.window_start:
                continue
            closed = ep.close <= self.as_at
            d = self._seen_by(ep.start, ep.close)
            rows.append({**self._child(ep.child, disability=True), "cin_start_date": ep.start,
                         "primary_need": ep.need, "last_seen_date": self._last_seen(ep, d),
                         "cin_closure_date": ep.close if closed else None,
                         "closure_reason": ep.reason if closed else None,
                         "case_status": _CLOSED if closed else _phase(ep, self.as_at)[1],
                         **self._allocated(ep.child, d)})
        return sorted(rows, key=lambda row: (row["cin_start_date"], row["child_id"]))

    def child_protection(self) -> list[dict]:
        rows = []
        six_months_ago = self.window_start
        for plan in self.h.cp_plans:
            if plan.start > self.as_at or plan.end < self.window_start:
                continue
            ended = plan.end <= self.as_at
            d = min(plan.end, self.as_at)
            visit, alone = self._cp_visit(plan, d)
            reviews = [x for x in plan.reviews if x <= d]
            rows.append({**self._child(plan.child, disability=True), "cpp_start_date": plan.start,
                         "initial_category": plan.initial,
                         "latest_category": plan.latest if plan.latest_from <= d else plan.initial,
                         "last_visit_date": visit, "seen_alone": alone,
                         "latest_review_date": reviews[-1] if reviews else None,
                         "cpp_end_date": plan.end if ended else None,
                         "epo_last_6m": plan.epo is not None and six_months_ago <= plan.epo <= self.as_at,
                         "previous_cpps": plan.previous,
                         **self._allocated(plan.child, self._seen_by(plan.start, plan.end))})
        return sorted(rows, key=lambda row: (row["cpp_start_date"], row["child_id"]))

    def _last_seen(self, ep: _Episode, d: date) -> date | None:
        since, status = _phase(ep, d)
        if status == _ASSESS and ep.assessment:
            seen = self.cal.add(ep.assessment.start, 1 + ep.seed % 5)
            return seen if ep.assessment.seen and seen <= d else None
        if status == _CPP and ep.cp_plans:
            return self._cp_visit(ep.cp_plans[0], d)[0]
        if status == _LAC:
            period = next((x for x in reversed(ep.periods) if x.start <= d), None)
            return self._cla_visit(period, d) if period else None
        if status == _CIN:
            return self._cin_visit(ep, since, d)
        return None

    def _cp_visit(self, plan: _CPPlan, d: date) -> tuple[date | None, bool | None]:
        """The last statutory visit by `d`, and whether the child was seen alone."""
        rng = random.Random(plan.seed)
        t = self.cal.add(plan.start, _int(rng, 1, 5))
        last, k = None, 0
        while t <= d:
            last, k = t, k + 1
            late = rng.random() < self.h.practice(t).cp_visit_late
            t = self.cal.add(t, _int(rng, 11, 30) if late else _int(rng, 5, 10))
        if last is None:
            return None, None
        if _age(plan.child.dob, last) < 3:
            return last, False
        return last, _unit(plan.seed, k) < self.h.practice(last).seen_alone

    def _cin_visit(self, ep: _Episode, since: date, d: date) -> date | None:
        rng = random.Random(ep.seed ^ since.toordinal())
        t = self.cal.add(since, _int(rng, 1, 10))
        last = None
        while t <= d:
            last = t
            late = rng.random() < self.h.practice(t).cin_visit_late
            t = self.cal.add(t, _int(rng, 21, 45) if late else _int(rng, 8, 20))
        return last

    # ---- list 8: children in care

    def children_in_care(self) -> list[dict]:
        rows = []
        for period in self.h.periods:
            if period.start > self.as_at or period.end < self.window_start:
                continue
            rows.append(self._cla_row(period))
        return sorted(rows, key=lambda row: (row["cla_start_date"], row["child_id"]))

    def _cla_row(self, period: _CLAPeriod) -> dict:
        child, as_at = period.child, self.as_at
        ended = period.end <= as_at
        d = min(period.end, as_at)
        placements = period.placements
        now = placements[bisect.bisect_right([x.start for x in placements], d) - 1]
        ends = [x.start for x in placements[1:]] + [period.end]
        legal = [x for x in period.legal if x[0] <= d][-1]
        reviews = self._cla_reviews(period, d)
        # the independent reviewing officer sees the child in the days before each review
        iro = _days(reviews[-1], -(_mix(period.seed + len(reviews)) % 10)) if reviews else None
        plan = period.plan
        if period.adoption and period.adoption.no_longer and period.adoption.no_longer <= d:
            plan = "LT_FOSTERING"
        missing, last_missing = self._episodes_away(period, period.missing_rate, 1, d)
        absent, _ = self._episodes_away(period, period.absent_rate, 2, d)
        offered = accepted = None
        if missing:
            offered = _unit(period.seed, last_missing) < self.h.practice(d).return_interview
            accepted = offered and _unit(period.seed, last_missing + 7919) < 0.55
        row = self._child(child)
        row.update({
            "uasc": child.uasc, "disability": child.disability, "cla_start_date": period.start,
            "category_of_need": period.need, "subsequent_period_12m": period.subsequent,
            "legal_status_start_date": legal[0], "legal_status": legal[1],
            "latest_review_date": reviews[-1] if reviews else None,
            "last_visit_date": self._cla_visit(period, d),
            "permanence_plan": plan if d >= _days(period.start, 28) else None,
            "last_iro_contact_date": iro,
            "last_health_assessment_date": self._health(period, d),
            "last_dental_check_date": self._dental(period, d),
            "placements_last_12m": sum(1 for x, end in zip(placements, ends, strict=True)
                                       if x.start <= d and end >= self.year_start),
            "cla_end_date": period.end if ended else None, "reason_ceased": period.reason if ended else None,
            "placement_start_date": now.start, "placement_type": now.type, "placement_provider": now.provider,
            "placement_postcode": now.postcode, "placement_urn": now.urn, "placement_location": now.location,
            "placement_la": now.la, "missing_episodes_12m": missing, "absent_episodes_12m": absent,
            "return_interview_offered": offered, "return_interview_accepted": accepted,
        })
        row.update(self._allocated(child, self._seen_by(period.start, period.end)))
        return row

    def _cla_reviews(self, period: _CLAPeriod, d: date) -> list[date]:
        """Statutory reviews held by `d`: within 20 working days, 3 months later, then every 6 months."""
        rng = random.Random(period.seed ^ 0x5EED)
        late = rng.random() < self.h.practice(period.start).review_late
        t = self.cal.add(period.start, _int(rng, 21, 45) if late else _int(rng, 8, 20))
        held: list[date] = []
        while t <= d:
            held.append(t)
            due = _add_months(t, 3 if len(held) == 1 else 6)
            late = rng.random() < self.h.practice(due).review_late
            t = _days(due, _int(rng, 10, 75)) if late else _days(due, -_int(rng, 0, 25))
        return held

    def _cla_visit(self, period: _CLAPeriod, d: date) -> date | None:
        """The last social work visit by `d`: the regular visits (each calendar year's run has its own
        stream, so long periods stay cheap) and a visit soon after each move of placement."""
        lim = min(d, period.end)
        best = None
        for year in (lim.year, lim.year - 1):
            begin = max(period.start, date(year, 1, 1))
            if begin > lim:
                continue
            rng = random.Random(period.seed ^ _mix(year))
            t = _days(begin, _int(rng, 0, 6) if begin == period.start else _int(rng, 0, 30))
            while t <= lim and t.year == year:
                best = t
                late = rng.random() < self.h.practice(t).cla_visit_late
                t = _days(t, _int(rng, 43, 95) if late else _int(rng, 14, 42))
            if best:
                break
        moved = [x.start for x in period.placements[1:] if x.start <= lim]
        if moved:
            late = _unit(period.seed, moved[-1].toordinal()) < self.h.practice(moved[-1]).cla_visit_late
            within = 20 if late else 7
            visit = _days(moved[-1], 1 + int(_unit(period.seed, -moved[-1].toordinal()) * within))
            if visit <= lim and (best is None or visit > best):
                best = visit
        return best

    def _health(self, period: _CLAPeriod, d: date) -> date | None:
        """Initial health assessment within 20 working days, then every 6 months under 5, yearly after."""
        rng = random.Random(period.seed ^ 0x4EA1)
        late = rng.random() < self.h.practice(period.start).health_late
        t = self.cal.add(period.start, _int(rng, 21, 70) if late else _int(rng, 8, 20))
        last = None
        while t <= d:
            last = t
            due = _add_months(t, 6 if _age(period.child.dob, t) < 5 else 12)
            late = rng.random() < self.h.practice(due).health_late
            t = _days(due, _int(rng, 15, 120)) if late else _days(due, -_int(rng, 0, 30))
        return last

    def _dental(self, period: _CLAPeriod, d: date) -> date | None:
        if _age(period.child.dob, period.start) < 1:
            return None
        rng = random.Random(period.seed ^ 0xDE17)
        t = _days(period.start, _int(rng, 20, 150))
        last = None
        while t <= d:
            last = t
            late = rng.random() < self.h.practice(t).dental_late
            t = _days(t, _int(rng, 366, 600) if late else _int(rng, 150, 365))
        return last

    def _episodes_away(self, period: _CLAPeriod, rate: float, stream: int, d: date) -> tuple[int, int]:
        """Missing (stream 1) or absent (stream 2) episodes in the 12 months to `d`, and the number of the
        last one in the period."""
        if not rate:
            return 0, 0
        rng = random.Random(period.seed ^ _mix(stream))
        t, count, k = period.start, 0, 0
        while True:
            t = _days(t, 1 + int(rng.expovariate(rate / 365)))
            if t > d:
                return count, k
            k += 1
            if t >= self.year_start:
                count += 1

    # ---- list 9: care leavers

    def care_leavers(self) -> list[dict]:
        rows = []
        for leaver in self.h.leavers:
            if leaver.start <= self.as_at < leaver.end:
                rows.append(self._leaver_row(leaver))
        return sorted(rows, key=lambda row: row["child_id"])

    def _leaver_row(self, leaver: _Leaver) -> dict:
        """Status as recorded this quarter (it changes from quarter to quarter)."""
        child, as_at = leaver.child, self.as_at
        p = self.h.practice(as_at)
        quarter = _month_of(as_at) // 3

        def u(k: int) -> float:
            return _unit(leaver.seed, quarter * 16 + k)

        age = _age(child.dob, as_at)
        if u(1) < p.in_touch:
            in_touch = "IN_TOUCH"
            contact = _days(as_at, -int(u(3) * 56) if u(4) >= p.pathway_late else -57 - int(u(3) * 90))
        else:
            in_touch = "NOT_IN_TOUCH" if u(2) < 0.7 else "NOT_RECORDED"
            contact = _days(as_at, -90 - int(u(3) * 270))
        accommodation = _ACCOMMODATION.draw(random.Random(_mix(leaver.seed ^ quarter)))
        if in_touch != "IN_TOUCH":
            suitability, activity = "NOT_RECORDED", None
        else:
            unlikely = 0.3 if accommodation in _UNSUITABLE_LIKELY else 1.0
            suitability = "SUITABLE" if u(6) < p.suitable * unlikely else "NOT_SUITABLE"
            if u(7) < p.eet:
                activity = "F2" if age < 18 else _EET[int(u(8) * len(_EET))]
            else:
                activity = ("G4", "G5", "G5", "G5", "G6")[int(u(8) * 5)]
        row = self._child(child, disability=False)
        row.update({"uasc": child.uasc, "disability": child.disability})
        allocated = self._allocated(child, as_at, leaving=True)
        row.update(allocated)
        row.update({
            "personal_adviser": allocated["allocated_worker"],
            "eligibility": ("QUALIFYING" if leaver.qualifying
                            else "RELEVANT" if age < 18 else "FORMER_RELEVANT"),
            "pathway_plan_review_date": self._pathway_review(leaver),
            "in_touch": in_touch, "latest_contact_date": max(contact, leaver.start),
            "accommodation_type": accommodation, "accommodation_suitability": suitability,
            "activity": activity,
        })
        return row

    def _pathway_review(self, leaver: _Leaver) -> date:
        """Pathway plans are reviewed at least every 6 months (the first just before leaving care)."""
        rng = random.Random(leaver.seed ^ 0x9A7)
        t = _days(leaver.start, -_int(rng, 10, 60))
        last = t
        while t <= self.as_at:
            last = t
            late = rng.random() < self.h.practice(t).pathway_late
            t = _days(_add_months(t, 6), _int(rng, 10, 90) if late else -_int(rng, 0, 30))
        return last

    # ---- lists 10 and 11: adoption

    def adoption(self) -> list[dict]:
        rows = []
        for a in self.h.adoptions:
            if a.decision > self.as_at:
                continue
            steps = (a.decision, a.placement_order, a.matched, a.placed, a.order, a.no_longer, a.ffa)
            ends = (a.order, a.no_longer, a.period.end)
            finished = min((x for x in ends if x and x <= self.as_at), default=None)
            if finished is not None and not any(x and self.year_start <= x <= self.as_at for x in steps):
                continue
            family = a.family if a.family and a.matched <= self.as_at else None
            row = {"child_id": a.child.id, "family_id": family.id if family else None}
            row.update({k: v for k, v in self._child(a.child, disability=True).items() if k != "child_id"})
            row.update({
                "entered_care_date": a.period.start, "adoption_decision_date": a.decision,
                "placement_order_date": self._on(a.placement_order), "matched_date": self._on(a.matched),
                "placed_date": self._on(a.placed), "adoption_order_date": self._on(a.order),
                "no_longer_decision_date": self._on(a.no_longer),
                "no_longer_reason": a.no_longer_reason if self._on(a.no_longer) else None,
                "ffa_placed_date": self._on(a.ffa),
            })
            rows.append(row)
        return sorted(rows, key=lambda row: (row["adoption_decision_date"], row["child_id"]))

    def adopters(self) -> list[dict]:
        rows = []
        for f in self.h.families:
            if f.enquiry > self.as_at:
                continue
            matched = f.adoption if f.adoption and f.adoption.matched <= self.as_at else None
            left = self._on(f.left)
            order = self._on(matched.order) if matched else None
            finished = left or order
            if finished and finished < self.year_start:
                continue
            placed = self._on(matched.placed) if matched else None
            for adopter in f.adopters:
                rows.append({
                    "adopter_id": adopter.id, "family_id": f.id, "gender": adopter.gender,
                    "ethnicity": adopter.ethnicity, "disability": adopter.disability,
                    "fostering_for_adoption": f.ffa, "enquiry_date": f.enquiry,
                    "stage1_start_date": self._on(f.stage1_start), "stage1_end_date": self._on(f.stage1_end),
                    "stage2_start_date": self._on(f.stage2_start), "stage2_end_date": self._on(f.stage2_end),
                    "application_date": self._on(f.application), "approved_date": self._on(f.approved),
                    "matched_date": matched.matched if matched else None, "placed_date": placed,
                    "children_placed": 1 if placed else None, "adoption_order_date": order,
                    "left_date": left, "left_reason": f.left_reason if left else None,
                })
        return sorted(rows, key=lambda row: (row["enquiry_date"], row["adopter_id"]))


def _phase(ep: _Episode, d: date) -> tuple[date, str]:
    """The episode's case status on `d`, and since when."""
    current = ep.phases[0]
    for phase in ep.phases:
        if phase[0] > d:
            break
        current = phase
    return current
