"""One child in need episode, from referral to closure, with everything it leads to (assessment, enquiry,
protection plan, care, adoption, leaving care)."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import TYPE_CHECKING

from .draws import (
    _add_months,
    _add_years,
    _age,
    _days,
    _int,
    _Table,
)
from .practice import _Practice
from .records import (
    _S47,
    _Adoption,
    _Assessment,
    _Child,
    _CLAPeriod,
    _CPPlan,
    _Episode,
    _Leaver,
    _Placement,
)
from .reference import (
    _ABUSE,
    _ASSESS,
    _ASSESSMENT,
    _CARE_ROUTES,
    _CEASED,
    _CIN,
    _CLOSED,
    _CLOSURE,
    _CPP,
    _DISABILITIES,
    _FRONT_DOOR,
    _IN_CARE,
    _LAC,
    _LEAVING_CARE,
    _LONG_TERM,
    _NEED_CIN,
    _NEED_CP,
    _NEED_NFA,
    _NO_LONGER_REASONS,
    _P_CIN,
    _PLACEMENTS,
    _ROUTE_PLAN,
    _SAFEGUARDING,
    _SUPPORTED_ACCOMMODATION_FROM,
)

if TYPE_CHECKING:  # the history builds episodes: importing it here at run time would be circular
    from .history import _History

date = dt.date


class _EpisodeBuilder:
    """Builds one child in need episode (referral to closure) with everything it leads to; `commit`
    then registers it with the history."""

    def __init__(self, history: _History, child: _Child, start: date, rng: random.Random) -> None:
        self.h = history
        self.cal = history.cal
        self.child = child
        self.start = start
        self.rng = rng
        self.adult = child.adult
        self.phases: list[tuple[date, str]] = []
        self.pools: dict[str, int] = {}
        self.episode: _Episode | None = None
        self.assessment: _Assessment | None = None
        self.s47: _S47 | None = None
        self.cp_plan: _CPPlan | None = None
        self.periods: list[_CLAPeriod] = []
        self.new_leaver: _Leaver | None = None

    # ---- pathways

    def referral(self, p: _Practice, *, nfa: bool, cwd: bool, s47: bool, icpc: bool, cp: bool, care: bool,
                 uasc: bool) -> _Episode:
        rng, cal, r, h, loc = self.rng, self.cal, self.start, self.h, self.child.loc
        support = h.pool(_DISABILITIES if cwd else _SAFEGUARDING, loc)
        self.pools = {_ASSESS: h.pool(_DISABILITIES if cwd else _ASSESSMENT, loc), _CIN: support,
                      _CPP: support, _LAC: h.pool(_IN_CARE, loc), _CLOSED: h.pool(_FRONT_DOOR, loc)}
        if nfa:
            self.phases = [(r, _CLOSED)]
            return self._episode(r, "RC8", _NEED_NFA.draw(rng), nfa=True)
        self.phases = [(r, _ASSESS)]
        a0 = r if rng.random() < 0.55 else cal.add(r, _int(rng, 1, 4))
        if rng.random() < p.assess_on_time:
            length = round(rng.triangular(6, 45, 36))
        else:
            length = round(rng.triangular(46, 130, 55))
        authorised = min(cal.add(a0, length), _days(self.adult, -1))
        if s47:
            s = cal.add(a0, _int(rng, 0, min(8, max(0, cal.between(a0, authorised) - 1))))
            decided = cal.add(s, _int(rng, 3, 10))
            held = None
            if icpc:
                held = cal.add(s, _int(rng, 4, 15) if rng.random() < p.icpc_on_time else _int(rng, 16, 35))
                decided = min(decided, held)
                if held >= self.adult:
                    held, cp = None, False
            self.s47 = _S47(self.child, s, decided, icpc, held, cp)
            authorised = max(authorised, min(decided, _days(self.adult, -1)))
        need = "N2" if cwd else _NEED_CIN.draw(rng)
        if cp:
            need = _NEED_CP.draw(rng)
            close, reason = self._protection(p, self.s47.icpc)
        elif care:
            need = "N8" if uasc else _NEED_CP.draw(rng)
            entry = cal.add(a0, _int(rng, 0, 2) if uasc else _int(rng, 0, 15))
            close, reason = self._care(p, entry, need, uasc=uasc)
        elif ((cwd and rng.random() < 0.85) or (icpc and not cp) or (s47 and rng.random() < 0.5)
              or rng.random() < _P_CIN):
            self.phases.append((authorised, _CIN))
            close, reason = self._step_down(authorised, lo=90, hi=400)
        else:
            if not cwd:
                need = _NEED_NFA.draw(rng)
            close, reason = authorised, "RC8" if rng.random() < 0.75 else "RC9"
        authorised = min(authorised, close)
        needs_support = len(self.phases) > 1  # the case went on to a plan or care
        self.assessment = _Assessment(self.child, a0, authorised, rng.random() < p.child_seen, needs_support)
        self.phases.append((close, _CLOSED))
        return self._episode(close, reason, need, nfa=False)

    def legacy_care(self) -> _Episode:
        """A child who came into care before the history starts."""
        h, loc = self.h, self.child.loc
        self.pools = {_CIN: h.pool(_SAFEGUARDING, loc), _LAC: h.pool(_IN_CARE, loc)}
        need = _NEED_CP.draw(self.rng)
        close, reason = self._care(h.practice(self.start), self.start, need, uasc=False)
        self.phases.append((close, _CLOSED))
        return self._episode(close, reason, need, nfa=False)

    def _episode(self, close: date, reason: str, need: str, nfa: bool) -> _Episode:
        plans = [self.cp_plan] if self.cp_plan else []
        self.episode = _Episode(self.child, self.start, close, reason, need, nfa, self.phases,
                                self.rng.getrandbits(64), self.assessment, plans, self.periods)
        return self.episode

    def _step_down(self, start: date, lo: int, hi: int) -> tuple[date, str]:
        """A child in need plan of `lo` to `hi` days that ends the episode."""
        end = _days(start, round(self.rng.uniform(lo, hi)))
        if end >= self.adult:
            return _days(self.adult, -1), "RC7"
        return end, "RC5" if self.rng.random() < 0.05 else "RC7"

    def _protection(self, p: _Practice, start: date) -> tuple[date, str]:
        """A child protection plan from the initial conference. It ends at a review conference, or when the
        child comes into care, and may step down to a child in need plan."""
        rng = self.rng
        self.phases.append((start, _CPP))
        k = _Table(list(enumerate(p.cp_reviews, start=1))).draw(rng)
        reviews = []
        t = start
        for i in range(k):
            due = _add_months(t, 3 if i == 0 else 6)
            late = rng.random() < p.review_late
            t = _days(due, _int(rng, 10, 75) if late else -_int(rng, 0, 20))
            reviews.append(t)
        end = reviews[-1]
        into_care = rng.random() < p.cp_to_care * (2 if _age(self.child.dob, start) == 0 else 1)
        if into_care:
            end = _days(start, _int(rng, 20, max(21, min(400, (end - start).days))))
        if end >= self.adult:
            end, into_care = _days(self.adult, -1), False
        reviews = [x for x in reviews if x <= end]
        initial = _ABUSE.draw(rng)
        latest, latest_from = initial, start
        if reviews and rng.random() < 0.1:
            latest, latest_from = _ABUSE.draw(rng), rng.choice(reviews)
        epo = _days(start, -_int(rng, 1, 25)) if rng.random() < 0.04 else None
        self.cp_plan = _CPPlan(self.child, start, end, initial, latest, latest_from, tuple(reviews), epo,
                               self.child.cp_count, rng.getrandbits(64))
        self.child.cp_count += 1
        if into_care:
            return self._care(p, end, _NEED_CP.draw(rng), uasc=False)
        if rng.random() < 0.6:
            self.phases.append((end, _CIN))
            return self._step_down(end, lo=60, hi=270)
        return end, "RC7"

    def _care(self, p: _Practice, start: date, need: str, uasc: bool) -> tuple[date, str]:
        """A period in care; a child who goes home may come back into care for a second period."""
        period = self._period(p, start, need, uasc)
        self.phases.append((start, _LAC))
        if period.route == "return":
            self.phases.append((period.end, _CIN))
            if self.rng.random() < p.reentry:
                again = _days(period.end, _int(self.rng, 30, 330))
                if again < _days(self.adult, -200):
                    return self._care(self.h.practice(again), again, need, uasc=False)
            return self._step_down(period.end, lo=60, hi=240)
        if period.reason == "E3":
            return period.end, "RC5"
        if period.route == "eighteen" and self.child.disability:
            return period.end, "RC6"
        return period.end, _CLOSURE[period.route]

    def _period(self, p: _Practice, start: date, need: str, uasc: bool) -> _CLAPeriod:
        rng, child, adult = self.rng, self.child, self.adult
        age = _age(child.dob, start)
        route = "eighteen" if uasc else next(t for top, t in _CARE_ROUTES if age <= top).draw(rng)
        adoption = None
        if route == "return":
            end = _days(start, min(1500, max(10, round(rng.lognormvariate(math.log(240), 0.7)))))
        elif route in ("sgo", "cao"):
            end = _days(start, min(1800, max(120, round(rng.lognormvariate(math.log(420), 0.5)))))
        elif route == "other":
            end = _days(start, _int(rng, 20, 300))
        elif route == "adoption":
            end, adoption = self._adoption(p, start)
        else:
            end = adult
        if end >= adult:
            end, route = adult, "eighteen"
        reason = self._ceased_at_eighteen(age) if route == "eighteen" else _CEASED[route].draw(rng)
        previous = child.cla[-1] if child.cla else None
        prone = age >= 10 and rng.random() < 0.3
        period = _CLAPeriod(
            child=child, start=start, end=end, reason=reason, need=need, route=route,
            legal=self._legal(p, start, end, route, age, uasc, adoption),
            placements=self._placements(p, start, end, route, adoption),
            plan=self._plan(route, age),
            subsequent=previous is not None and previous.end > _add_months(start, -12),
            missing_rate=rng.expovariate(1 / 4) if prone else 0.0,
            absent_rate=rng.expovariate(1 / 2) if age >= 10 and rng.random() < 0.1 else 0.0,
            seed=rng.getrandbits(64), adoption=adoption,
        )
        if adoption:
            adoption.period = period
        self.periods.append(period)
        child.cla.append(period)
        left_older = _age(child.dob, end) >= 16 and (end - start).days >= 91
        if route == "eighteen" or (left_older and route != "adoption"):
            self._leaver(end, qualifying=route in ("sgo", "cao", "return"))
        return period

    def _ceased_at_eighteen(self, age: int) -> str:
        rng = self.rng
        if self.child.disability and rng.random() < 0.25:
            return "E7"
        if age < 16 and rng.random() < 0.3:
            return "E17"
        return _Table([("E5", 55), ("E6", 15), ("E8", 15), ("E17", 15)]).draw(rng)

    def _adoption(self, p: _Practice, start: date) -> tuple[date, _Adoption]:
        """Decision, placement order, match, placement and adoption order; or a change of plan."""
        rng = self.rng
        ffa = _days(start, _int(rng, 0, 60)) if rng.random() < 0.12 else None
        slow = p.court_days / 200
        decision = _days(start, round(_int(rng, 60, 200) * slow))
        placement_order = _days(decision, round(_int(rng, 40, 180) * slow))
        adoption = _Adoption(self.child, decision, placement_order, None, None, None, None, None, ffa)
        if rng.random() < 0.1:
            adoption.no_longer = _days(placement_order, _int(rng, 30, 300))
            adoption.no_longer_reason = rng.choice(_NO_LONGER_REASONS)
            return self.adult, adoption
        adoption.matched = _days(placement_order, round(_int(rng, 30, 300) * slow))
        adoption.placed = _days(adoption.matched, _int(rng, 10, 45))
        adoption.order = _days(adoption.placed, _int(rng, 150, 400))
        return adoption.order, adoption

    def _legal(self, p: _Practice, start: date, end: date, route: str, age: int, uasc: bool,
               adoption: _Adoption | None) -> list[tuple[date, str]]:
        rng = self.rng
        if uasc or (age >= 16 and rng.random() < 0.7) or (route == "return" and rng.random() < 0.45):
            return [(start, "V2")]
        legal = []
        t = start
        if rng.random() < 0.1:
            legal.append((start, "L2"))
            t = _days(start, 8)
        if t < end:
            legal.append((t, "C1"))
            full = _days(t, round(rng.uniform(0.75, 1.3) * p.court_days))
            if full < end and route != "other":
                legal.append((full, "C2"))
        if adoption and adoption.placement_order < end:
            legal = [x for x in legal if x[0] < adoption.placement_order] + [(adoption.placement_order, "E1")]
        return legal or [(start, "V2")]

    def _placements(self, p: _Practice, start: date, end: date, route: str,
                    adoption: _Adoption | None) -> list[_Placement]:
        rng, h = self.rng, self.h
        placements = [self._placement(p, start, route)]
        t = start
        last = min(end, self.adult)
        while True:
            years_in = (t - start).days / 365
            rate = h.practice(t).moves * (1.6 if years_in < 1 else 0.8)
            t = _days(t, 1 + round(rng.expovariate(rate / 365)))
            if t >= last:
                break
            placements.append(self._placement(h.practice(t), t, route, long_term=years_in >= 1))
        if adoption and adoption.ffa and adoption.ffa < end:
            placements = [x for x in placements if x.start < adoption.ffa]
            placements.append(self._placement(p, adoption.ffa, route, kind="U5"))
        if adoption and adoption.placed and adoption.placed < end:
            placements = [x for x in placements if x.start < adoption.placed]
            kind = "A5" if rng.random() < 0.3 else "A6"  # with or not with the current foster carer
            placements.append(self._placement(p, adoption.placed, route, kind=kind))
        return placements

    def _placement(self, p: _Practice, start: date, route: str, long_term: bool = False,
                   kind: str | None = None) -> _Placement:
        rng, h = self.rng, self.h
        if kind is None:
            age = _age(self.child.dob, start)
            kind = next(t for top, t in _PLACEMENTS if age <= top).draw(rng)
            if kind == "SA":
                kind = "K3" if start >= _SUPPORTED_ACCOMMODATION_FROM else "H5"
            if long_term and route == "eighteen":
                kind = _LONG_TERM.get(kind, kind)
            if self.child.uasc and kind in ("U1", "U3", "P1"):
                kind = "U6"
        provider = _provider(rng, kind, p)
        inside = _INSIDE.get(kind)
        if inside is None:
            inside = p.in_area * (0.6 if kind in ("K1", "K2", "S1", "R5", "A5", "A6") else 1.0)
            if provider == "PR1":
                inside = max(inside, 0.9)
        if rng.random() < inside:
            location, la, area = "IN", h.council, h.postcode_area
        else:
            la = rng.choice(h.neighbours)
            location, area = "OUT", la[:2].upper()
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"{area}{_int(rng, 1, 29)} {_int(rng, 1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        urn = f"SC{_int(rng, 100000, 999999)}" if kind in ("K1", "K2", "R1") else None
        return _Placement(start, kind, provider, postcode, urn, location, la)

    @staticmethod
    def _plan(route: str, age: int) -> str:
        if route in _ROUTE_PLAN:
            return _ROUTE_PLAN[route]
        if age >= 15:
            return "SUPPORTED_LIVING"
        return "LT_RESIDENTIAL" if age >= 12 and age % 3 == 0 else "LT_FOSTERING"

    def _leaver(self, left: date, qualifying: bool) -> None:
        child = self.child
        if child.leaver is None:
            end = _add_years(child.dob, 25 if self.rng.random() < 0.25 else 21)
            child.leaver = self.new_leaver = _Leaver(child, left, end, qualifying, self.rng.getrandbits(64))

    # ---- commit

    def commit(self) -> None:
        """Register the episode's records, allocation spells and closure with the history."""
        h, child, rng, episode = self.h, self.child, self.rng, self.episode
        h.episodes.append(episode)
        if self.assessment:
            h.assessments.append(self.assessment)
        if self.s47:
            h.s47s.append(self.s47)
            child.s47s.append(self.s47)
        if self.cp_plan:
            h.cp_plans.append(self.cp_plan)
        for period in self.periods:
            h.periods.append(period)
            if period.adoption:
                h.adoption_planned(period.adoption)
        # One allocation spell per run of phases held by the same kind of team
        runs: list[list] = []
        for when, status in self.phases:
            if status == _CLOSED and runs:
                break
            pool = self.pools[status]
            if runs and runs[-1][0] == pool:
                continue
            if runs:
                runs[-1][2] = when
            runs.append([pool, when, episode.close])
        for pool, start, end in runs:
            h.add_spell(child, pool, start, end, rng)
        leaver = self.new_leaver
        if leaver:
            h.leavers.append(leaver)
            h.add_spell(child, h.pool(_LEAVING_CARE, child.loc), leaver.start, leaver.end, rng)
        h.closed(child, episode.close)


_INSIDE = {"U1": 0.85, "U3": 0.85, "P1": 0.95, "P2": 0.9}  # chance a kinship or home placement is in the area


def _provider(rng: random.Random, kind: str, p: _Practice) -> str:
    if kind in ("U1", "U2", "U3", "P2"):
        return "PR1"
    if kind == "P1":
        return "PR0"
    if kind in ("U4", "U5", "U6"):  # the council's own foster carers, or an agency's
        return "PR1" if rng.random() < 0.45 + (p.in_area - 0.62) else "PR4"
    if kind.startswith("A"):
        return _Table([("PR1", 60), ("PR2", 20), ("PR5", 20)]).draw(rng)
    if kind == "K2":
        return _Table([("PR4", 75), ("PR1", 20), ("PR5", 5)]).draw(rng)
    if kind in ("K3", "H5"):
        return "PR4" if rng.random() < 0.7 else "PR5"
    if kind == "K1":
        return "PR2" if rng.random() < 0.5 else "PR1"
    if kind in ("R2", "R3", "R5"):
        return "PR3"
    return "PR4" if rng.random() < 0.6 else "PR5"
