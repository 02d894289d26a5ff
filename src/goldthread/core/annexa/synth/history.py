"""The simulation: one council's case history, extended month by month as far as it is asked for."""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import math
import random
from collections.abc import Callable

from .config import (
    SIM_START,
    SIZES,
    SynthConfig,
)
from .draws import (
    _add_months,
    _add_years,
    _age,
    _below,
    _calendar,
    _days,
    _int,
    _month_of,
    _month_start,
    _poisson,
    _random_day,
)
from .episodes import _EpisodeBuilder
from .practice import _Practice, _quality
from .records import (
    _S47,
    _Adopter,
    _Adoption,
    _Assessment,
    _Child,
    _CLAPeriod,
    _CPPlan,
    _Episode,
    _Family,
    _Leaver,
    _Referral,
    _Slot,
    _Spell,
)
from .reference import (
    _CARE_AGE,
    _ENQUIRIES_PER_REFERRAL,
    _ETHNICITY,
    _FIRST_NAMES,
    _GENDER,
    _LEGACY_YEARS,
    _LOCALITIES,
    _MID_MONTH,
    _NEIGHBOURS,
    _P_CARE,
    _P_CPP,
    _P_CWD,
    _P_ICPC,
    _P_NFA,
    _P_S47,
    _REFERRAL_AGE,
    _REFERRAL_SOURCE,
    _STANDING_ENTRIES_PER_REFERRAL,
    _SURNAMES,
    _TEAM_SIZE,
    _UASC_ETHNICITY,
    _UASC_PER_REFERRAL,
    _UASC_SOURCE,
)

date = dt.date


@functools.lru_cache(maxsize=4)
def _history(config: SynthConfig) -> _History:
    return _History(config)


class _History:
    """One council's simulated case history, extended month by month as far as it is asked for."""

    def __init__(self, config: SynthConfig) -> None:
        self.config = config
        self.key = f"goldthread-synth|{config.size}|{config.profile}|{config.seed}|{config.council_name}"
        self.size = SIZES[config.size]
        self.cal = _calendar()
        self.council = config.council_name.strip()
        letters = [ch for ch in self.council.upper() if ch.isalpha()] + ["X", "X"]
        self.postcode_area = letters[0] + letters[1]
        self.neighbours = tuple(n for n in _NEIGHBOURS if n != self.council)
        setup = random.Random(f"{self.key}|setup")
        self._id_mult = 1 + 2 * setup.randrange(10**7)
        while self._id_mult % 5 == 0:
            self._id_mult += 2
        self._id_add = setup.randrange(10**8)
        self._practice: dict[int, _Practice] = {}
        self._seq = itertools.count()

        self.children: list[_Child] = []
        self.children_by_month: list[int] = []
        self.referrals_by_month: list[list[_Referral]] = []
        self.episodes: list[_Episode] = []
        self.assessments: list[_Assessment] = []
        self.s47s: list[_S47] = []
        self.cp_plans: list[_CPPlan] = []
        self.periods: list[_CLAPeriod] = []
        self.adoptions: list[_Adoption] = []
        self.leavers: list[_Leaver] = []
        self.families: list[_Family] = []
        self._waiting_families: list[_Family] = []
        self._matches: list[tuple[int, int, _Adoption]] = []  # heap by match date
        self._closures: list[tuple[int, int, _Child, int]] = []  # heap by closure date
        self._recent: dict[int, list[tuple[_Child, int]]] = {}  # closed, by month of closure
        self._older: list[tuple[_Child, int]] = []
        self._had_cp: list[tuple[_Child, int]] = []

        localities = _LOCALITIES[: self.size.localities]
        self.pool_labels = ["Front Door Team"]
        self.pool_labels += [f"{loc} Assessment Team" for loc in localities]
        self.pool_labels += [f"{loc} Safeguarding Team" for loc in localities]
        self.pool_labels += ["Children with Disabilities Team", "Children in Care Team", "Leaving Care Team"]
        n_loc = len(localities)
        self._pools = (  # pool number by kind of team and locality
            [0] * n_loc, [1 + loc for loc in range(n_loc)], [1 + n_loc + loc for loc in range(n_loc)],
            [1 + 2 * n_loc] * n_loc, [2 + 2 * n_loc] * n_loc, [3 + 2 * n_loc] * n_loc,
        )
        n_pools = len(self.pool_labels)
        self._min_slots = [max(2, round(self.size.referrals_per_month / 25))] + [1] * (n_pools - 1)
        self._open_delta: list[dict[int, int]] = [{} for _ in range(n_pools)]
        self._open_now = [0] * n_pools
        self.slot_counts: list[list[int]] = [[] for _ in range(n_pools)]
        self.slots: list[list[_Slot]] = [[] for _ in range(n_pools)]
        self._used_names: set[str] = set()
        self.simulated_months = 0
        self._seed_standing_stock()

    # ---- helpers

    def practice(self, d: date) -> _Practice:
        m = _month_of(d)
        found = self._practice.get(m)
        if found is None:
            found = self._practice[m] = _Practice.at(_quality(self.config, _month_start(m)))
        return found

    def format_id(self, index: int) -> str:
        return f"{(index * self._id_mult + self._id_add) % 10**8:08d}"

    def pool(self, kind: int, loc: int) -> int:
        return self._pools[kind][loc]

    def team_name(self, pool: int, slot: int) -> str:
        return f"{self.council} {self.pool_labels[pool]} {slot // _TEAM_SIZE + 1}"

    def new_child(self, rng: random.Random, on: date, age: int | None = None, index: int | None = None,
                  register: bool = True) -> _Child:
        """A child first known on `on`. Registered children (numbered in order) can be referred again later;
        others (met only at a contact or in early help) take their number from `index`."""
        if age is None:
            age = _REFERRAL_AGE.draw(rng)
        span = 182 if age == 17 else 365
        dob = _days(_add_years(on, -age), -_below(rng, span))
        u = rng.random()
        disability = None if u < 0.02 else u < 0.08  # unknown, yes or no
        number = len(self.children) if index is None else index
        child = _Child(
            id=self.format_id(number), gender=_GENDER.draw(rng), ethnicity=_ETHNICITY.draw(rng), dob=dob,
            disability=disability, loc=_below(rng, self.size.localities), seed=rng.getrandbits(64),
        )
        if register:
            self.children.append(child)
        return child

    def add_spell(self, child: _Child, pool: int, start: date, end: date, rng: random.Random) -> None:
        """A stretch of the child's case held by `pool`, counted in its open cases at each mid-month."""
        child.spells.append(_Spell(pool, start, end, rng.getrandbits(64)))
        first = max(0, _month_of(start) + (start.day > _MID_MONTH))
        last = _month_of(end) - (end.day < _MID_MONTH)
        if first <= last:
            delta = self._open_delta[pool]
            delta[first] = delta.get(first, 0) + 1
            delta[last + 1] = delta.get(last + 1, 0) - 1

    # ---- standing stock before SIM_START

    def _seed_standing_stock(self) -> None:
        """Children who came into care in the years before the history starts and are still in care, or
        still care leavers, when it starts."""
        rng = random.Random(f"{self.key}|standing")
        rate = self.size.referrals_per_month * _STANDING_ENTRIES_PER_REFERRAL
        for m in range(-12 * _LEGACY_YEARS, 0):
            month = _month_start(m)
            for _ in range(_poisson(rng, rate)):
                start = _random_day(rng, month, self.cal)
                child = self.new_child(rng, start, age=_CARE_AGE.draw(rng), register=False)
                build = _EpisodeBuilder(self, child, start, rng)
                episode = build.legacy_care()
                leaver_end = child.leaver.end if child.leaver else start
                if episode.close >= SIM_START or leaver_end >= SIM_START:
                    child.id = self.format_id(len(self.children))
                    self.children.append(child)
                    build.commit()

    # ---- month by month

    def advance_to(self, month: int) -> None:
        """Simulate up to and including `month`."""
        while self.simulated_months <= month:
            self._simulate_month(self.simulated_months)
            self.simulated_months += 1

    def _simulate_month(self, m: int) -> None:
        """Referrals (and all they lead to), asylum-seeking children arriving, adopters enquiring, children
        matched with adopters, and the month's staffing."""
        rng = random.Random(f"{self.key}|month|{m}")
        start = _month_start(m)
        p = self.practice(start)
        self._release_closed(m)
        rate = self.size.referrals_per_month
        season = 1.0 + 0.08 * math.cos((start.month - 11) / 6 * math.pi) - (0.12 if start.month == 8 else 0.0)
        days = sorted(_random_day(rng, start, self.cal) for _ in range(_poisson(rng, rate * season)))
        uasc = [_random_day(rng, start, self.cal) for _ in range(_poisson(rng, rate * _UASC_PER_REFERRAL))]
        referrals: list[_Referral] = []
        for d in days:
            referrals.append(self._referral(rng, d, p, uasc=False))
        for d in sorted(uasc):
            referrals.append(self._referral(rng, d, p, uasc=True))
        referrals.sort(key=lambda r: r.date)
        self.referrals_by_month.append(referrals)
        self._adopter_enquiries(rng, start)
        self._match_adoptions(m)
        self.children_by_month.append(len(self.children))
        self._staff(m, random.Random(f"{self.key}|staff|{m}"))

    def _referral(self, rng: random.Random, r: date, p: _Practice, uasc: bool) -> _Referral:
        if uasc:
            nfa = cwd = s47 = icpc = cp = False
            care = True
            child = self.new_child(rng, r, age=rng.choice((15, 16, 16, 17)))
            child.uasc = True
            child.gender = "M" if rng.random() < 0.92 else "F"
            child.ethnicity = _UASC_ETHNICITY.draw(rng)
            source = _UASC_SOURCE.draw(rng)
        else:
            nfa = rng.random() < _P_NFA
            cwd = not nfa and rng.random() < _P_CWD
            s47 = not nfa and not cwd and rng.random() < _P_S47
            icpc = s47 and rng.random() < _P_ICPC
            cp = icpc and rng.random() < _P_CPP
            if cwd:  # a child's characteristics are fixed when the council first knows them
                child = self.new_child(rng, r)
                child.disability = True
            else:
                child = self._pick_child(rng, r, p, cp)  # knowing whether a plan follows (repeat plans)
            infant = _age(child.dob, r) == 0
            care = not nfa and not cwd and not cp and rng.random() < _P_CARE * (4 if infant else 1)
            source = _REFERRAL_SOURCE.draw(rng)
        child.epoch += 1
        cutoff = _add_months(r, -12)
        child.referrals.append(r)
        count = sum(1 for x in child.referrals if x > cutoff)
        build = _EpisodeBuilder(self, child, r, rng)
        episode = build.referral(p, nfa=nfa, cwd=cwd, s47=s47, icpc=icpc, cp=cp, care=care, uasc=uasc)
        build.commit()
        return _Referral(child, r, source, nfa, count, episode)

    def _pick_child(self, rng: random.Random, r: date, p: _Practice, cp: bool) -> _Child:
        """Who is referred: a child whose plan ended before (for a repeat plan), a child referred in the
        last year, a child known longer ago, or a child new to the service."""
        cutoff = _add_months(r, -12)

        def young(child: _Child) -> bool:
            return r < _add_years(child.dob, 17)

        def fits(child: _Child) -> bool:  # a plan for a child with no plan before is not a repeat plan
            return young(child) and not (cp and child.cp_count)

        def recent(child: _Child) -> bool:
            return fits(child) and bool(child.referrals) and child.referrals[-1] > cutoff

        if cp and rng.random() < p.repeat_cp:
            found = self._take(rng, self._had_cp, young)
            if found:
                return found
        if rng.random() < p.rereferral:
            m = _month_of(r)
            buckets = [self._recent[k] for k in range(m - 12, m) if self._recent.get(k)]
            if buckets:
                bucket = rng.choices(buckets, weights=[len(b) for b in buckets])[0]
                found = self._take(rng, bucket, recent)
                if found:
                    return found
        if rng.random() < 0.12:
            found = self._take(rng, self._older, fits)
            if found:
                return found
        return self.new_child(rng, r)

    @staticmethod
    def _take(rng: random.Random, pool: list[tuple[_Child, int]],
              fits: Callable[[_Child], bool]) -> _Child | None:
        """Take a random current entry that fits; stale entries met on the way are dropped."""
        kept = []
        found = None
        for _ in range(6):
            if not pool:
                break
            i = _below(rng, len(pool))
            pool[i], pool[-1] = pool[-1], pool[i]
            child, epoch = pool.pop()
            if child.epoch != epoch:
                continue
            if fits(child):
                found = child
                break
            kept.append((child, epoch))
        pool.extend(kept)
        return found

    def _release_closed(self, m: int) -> None:
        """Children whose episodes closed before this month can be referred again."""
        limit = _month_start(m).toordinal()
        while self._closures and self._closures[0][0] < limit:
            ordinal, _, child, epoch = heapq.heappop(self._closures)
            if child.epoch != epoch:
                continue
            self._recent.setdefault(_month_of(date.fromordinal(ordinal)), []).append((child, epoch))
            if child.cp_count:
                self._had_cp.append((child, epoch))
        for k in [k for k in self._recent if k < m - 12]:
            self._older.extend(self._recent.pop(k))

    def closed(self, child: _Child, on: date) -> None:
        heapq.heappush(self._closures, (on.toordinal(), next(self._seq), child, child.epoch))

    # ---- adopters

    def _adopter_enquiries(self, rng: random.Random, month: date) -> None:
        for _ in range(_poisson(rng, self.size.referrals_per_month * _ENQUIRIES_PER_REFERRAL)):
            enquiry = _random_day(rng, month, self.cal)
            if rng.random() < 0.65:
                sexes = ("M", "F") if rng.random() < 0.8 else rng.choice((("F", "F"), ("M", "M")))
            else:
                sexes = ("F",) if rng.random() < 0.85 else ("M",)
            ethnicity = _ETHNICITY.draw(rng)
            adopters = []
            for sex in sexes:
                index = 90_000_000 + len(self.families) * 2 + len(adopters)
                u = rng.random()
                adopters.append(_Adopter(self.format_id(index), sex,
                                         ethnicity if rng.random() < 0.8 else _ETHNICITY.draw(rng),
                                         None if u < 0.02 else u < 0.05))
            family = _Family(self.format_id(95_000_000 + len(self.families)), adopters, rng.random() < 0.12,
                             enquiry, stage1_start=None, stage1_end=None, stage2_start=None, stage2_end=None,
                             application=None, approved=None, left=None, left_reason=None)
            self._adopter_progress(rng, family)
            self.families.append(family)
            if family.approved:
                self._waiting_families.append(family)

    @staticmethod
    def _adopter_progress(rng: random.Random, f: _Family) -> None:
        """Stage 1, stage 2, approval, or leaving the process on the way."""
        if rng.random() < 0.45:
            f.left, f.left_reason = _days(f.enquiry, _int(rng, 10, 70)), "Withdrew"
            return
        f.stage1_start = _days(f.enquiry, _int(rng, 7, 60))
        if rng.random() < 0.15:
            f.left, f.left_reason = _days(f.stage1_start, _int(rng, 20, 55)), "Withdrew"
            return
        f.stage1_end = _days(f.stage1_start, _int(rng, 45, 75))
        f.stage2_start = f.application = _days(f.stage1_end, _int(rng, 0, 40))
        if rng.random() < 0.14:
            f.left = _days(f.stage2_start, _int(rng, 30, 140))
            f.left_reason = "Application refused" if rng.random() < 0.3 else "Withdrew"
            return
        f.stage2_end = _days(f.stage2_start, _int(rng, 100, 150))
        f.approved = _days(f.stage2_end, _int(rng, 10, 50))
        # Approved adopters not matched within a year or two leave (their leaving is void once matched)
        f.left = _days(f.approved, _int(rng, 300, 720))
        f.left_reason = "Process on hold" if rng.random() < 0.4 else "Withdrew"

    def _match_adoptions(self, m: int) -> None:
        """Children matched this month go to the council's longest-waiting approved adopters, if any."""
        limit = _month_start(m + 1).toordinal()
        while self._matches and self._matches[0][0] < limit:
            _, _, adoption = heapq.heappop(self._matches)
            matched = adoption.matched
            self._waiting_families = [f for f in self._waiting_families
                                      if f.adoption is None and f.left > matched]
            for family in self._waiting_families:
                if family.approved <= matched:
                    family.adoption, family.left, family.left_reason = adoption, None, None
                    adoption.family = family
                    break

    def adoption_planned(self, adoption: _Adoption) -> None:
        self.adoptions.append(adoption)
        if adoption.matched and adoption.matched >= SIM_START:
            heapq.heappush(self._matches, (adoption.matched.toordinal(), next(self._seq), adoption))

    # ---- workforce

    def _staff(self, m: int, rng: random.Random) -> None:
        """Each team's posts follow its open cases at mid-month; each post's holders come and go."""
        month_start, month_end = _month_start(m), _month_start(m + 1)
        mid = date(month_start.year, month_start.month, _MID_MONTH)
        p = self.practice(month_start)
        for pool, delta in enumerate(self._open_delta):
            self._open_now[pool] += delta.pop(m, 0)
            counts = self.slot_counts[pool]
            counts.append(max(self._min_slots[pool], round(self._open_now[pool] / p.caseload)))
            slots = self.slots[pool]
            while len(slots) < counts[-1]:
                slots.append(self._new_slot(rng, month_start if m else _days(mid, -_below(rng, 1500))))
            for slot in slots:
                while slot.next_start < month_end:
                    self._new_holder(rng, slot)

    def _new_slot(self, rng: random.Random, start: date) -> _Slot:
        slot = _Slot([], [], [], start)
        self._new_holder(rng, slot, first=True)
        return slot

    def _new_holder(self, rng: random.Random, slot: _Slot, first: bool = False) -> None:
        start = slot.next_start
        p = self.practice(max(start, SIM_START))
        mean = p.agency_days if rng.random() < p.agency else p.permanent_days
        tenure = max(30, round(rng.expovariate(1 / mean)))
        end = _days(start, tenure)
        gap = _int(rng, 7, 60) if not first and rng.random() < p.vacancy else 0
        slot.starts.append(start)
        slot.ends.append(end)
        slot.names.append(self._name(rng))
        slot.next_start = _days(end, gap)

    def _name(self, rng: random.Random) -> str:
        for _ in range(8):
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"
            if name not in self._used_names:
                break
        else:
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}-{rng.choice(_SURNAMES)}"
        self._used_names.add(name)
        return name

    def allocation(self, spell: _Spell, d: date) -> tuple[str, str | None]:
        """The team and worker holding `spell` on `d`: a post chosen when the case arrived, moved between
        posts now and then, and that post's holder on the day (none while vacant or awaiting allocation).
        Cases on posts a team no longer has are held by the posts it kept."""
        rng = random.Random(spell.seed)
        counts = self.slot_counts[spell.pool]
        slot = _below(rng, counts[max(0, _month_of(spell.start))])
        p = self.practice(max(spell.start, SIM_START))
        waiting_until = _days(spell.start, _int(rng, 3, 40)) if rng.random() < p.alloc_wait else spell.start
        t = spell.start
        while True:
            t = _days(t, 1 + int(rng.expovariate(self.practice(max(t, SIM_START)).transfers / 365)))
            if t > d:
                break
            slot = _below(rng, counts[max(0, _month_of(t))])
        slot %= counts[max(0, _month_of(d))]
        worker = None if d < waiting_until else self.slots[spell.pool][slot].holder(d)
        return self.team_name(spell.pool, slot), worker
