"""A synthetic CIN census, deterministic by seed, for tests and the benchmark. No real child is in it.

Each child gets a date of birth (a few are unborn), a valid UPN or a reason it is unknown, sex, ethnicity and
disabilities, and one to three episodes of need in sequence: a referral (some with no further action),
usually an assessment, then a CIN plan, or a section 47 enquiry and an initial conference that may start a
child protection plan with reviews; episodes close, and some children are referred again within a year.
Everything after the reference date is left out (the census is taken on that date), and so are episodes
that closed before the census year began, as in a real return. The clean return breaks none of the DfE rules
in goldthread.core.cin.rules; ``faults`` (a share of children, 0 to 1) breaks, for each child of that share,
one rule chosen from ``FAULTS`` where the child's records allow it (an assessment's dates can only be swapped
if it has both).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from xml.sax.saxutils import escape

from ..workdays import add_working_days
from . import codes as C
from .rules import upn_check_letter

DEFAULT_REFERENCE_DATE = dt.date(2025, 3, 31)

# rule code -> what is broken for a faulty child
FAULTS = {
    "8608": "assessment authorised before it started",
    "4220": "ethnicity not a DfE code",
    "8866": "referral source not a DfE code",
    "8794": "the same disability twice",
    "8840": "a child protection plan ending the day it started",
    "1510": "a UPN with the wrong check letter",
}

_ETHNICITIES = list(C.ETHNICITY)
_DISABILITIES = [d for d in C.DISABILITY if d != "NONE"]
_SOURCES = list(C.REFERRAL_SOURCE)
_NEEDS = [n for n in C.PRIMARY_NEED if n != "N9"]
_CATEGORIES = list(C.CATEGORY_OF_ABUSE)
_FACTORS = [f for f in C.ASSESSMENT_FACTORS if f != "21"]


def _wd_after(day: dt.date, n: int) -> dt.date:
    return add_working_days(day, n)[0].astype(object)


def _upn(rng: random.Random) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(12))
    body = "X" + digits
    return upn_check_letter(body) + digits


class _Child:
    def __init__(self, rng: random.Random, number: int, ref: dt.date, year_start: dt.date, fault: str | None):
        self.rng, self.ref, self.year_start, self.fault = rng, ref, year_start, fault
        self.id = f"SYN{number:07d}"
        self.previous_plans = 0
        self.unborn = rng.random() < 0.02
        if self.unborn:
            self.birth, self.expected = None, ref + dt.timedelta(days=rng.randrange(20, 180))
        else:
            self.birth, self.expected = ref - dt.timedelta(days=rng.randrange(30, 17 * 365)), None
        self.episodes: list[str] = []

    def xml(self) -> str:
        rng = self.rng
        parts = ["<Child><ChildIdentifiers>", f"<LAchildID>{self.id}</LAchildID>"]
        if not self.unborn and rng.random() < 0.8:
            upn = _upn(rng)
            if self.fault == "1510":
                wrong = [c for c in "ABCDEFGHJKLMNPQRTUVWXYZ" if c != upn[0]]
                upn = rng.choice(wrong) + upn[1:]
            parts.append(f"<UPN>{upn}</UPN>")
        else:
            parts.append(f"<UPNunknown>{'UN1' if self.unborn else rng.choice(['UN1', 'UN2', 'UN3', 'UN5'])}"
                         "</UPNunknown>")
        if self.birth:
            parts.append(f"<PersonBirthDate>{self.birth.isoformat()}</PersonBirthDate>")
        else:
            parts.append(f"<ExpectedPersonBirthDate>{self.expected.isoformat()}</ExpectedPersonBirthDate>")
        parts.append(f"<Sex>{'U' if self.unborn else rng.choice('MF')}</Sex></ChildIdentifiers>")
        ethnicity = "XXXX" if self.fault == "4220" else rng.choice(_ETHNICITIES)
        parts.append(f"<ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity><Disabilities>")
        if rng.random() < 0.85 and self.fault != "8794":
            disabilities = ["NONE"]
        else:
            disabilities = rng.sample(_DISABILITIES, rng.choice([1, 1, 2]))
            if self.fault == "8794":
                disabilities.append(disabilities[0])
        parts.extend(f"<Disability>{d}</Disability>" for d in disabilities)
        parts.append("</Disabilities></ChildCharacteristics>")
        self._episodes()
        if not self.episodes:  # every child in the census has at least one episode
            self._episodes(force=True)
        parts.extend(self.episodes)
        parts.append("</Child>")
        return "".join(parts)

    def _episodes(self, force: bool = False) -> None:
        rng, ref = self.rng, self.ref
        earliest = self.birth or (self.expected - dt.timedelta(days=200))
        start = max(earliest, self.year_start - dt.timedelta(days=rng.randrange(0, 900)))
        if force:
            start = max(earliest, self.year_start + dt.timedelta(days=rng.randrange(0, 300)))
        day = start
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            if day > ref:
                break
            closed = self._episode(day)
            if closed is None:
                break
            day = closed + dt.timedelta(days=rng.choice([rng.randrange(1, 360), rng.randrange(200, 900)]))

    def _episode(self, referral: dt.date) -> dt.date | None:
        """One episode from ``referral``; its closure date, or None while it is open at the reference date."""
        rng, ref = self.rng, self.ref
        source = "XX" if self.fault == "8866" and not self.episodes else rng.choice(_SOURCES)
        body: list[str] = []
        need = rng.choice(_NEEDS)
        nfa = rng.random() < 0.18
        closure: dt.date | None = None
        reason = None
        latest = referral  # the latest activity so far, for the closure date
        if nfa:
            closure, reason = referral, "RC8"
        else:
            a_start = referral + dt.timedelta(days=rng.randrange(0, 4))
            authorised = _wd_after(a_start, rng.choice([rng.randrange(5, 45), rng.randrange(5, 70)]))
            if a_start > ref:
                closure = None
                latest = referral
            else:
                latest = a_start
                done = authorised <= ref
                if self.fault == "8608" and not self.episodes and done:
                    a_start, authorised = authorised, a_start
                    latest = max(a_start, authorised)
                body.append("<Assessments>")
                body.append(f"<AssessmentActualStartDate>{a_start.isoformat()}</AssessmentActualStartDate>")
                if done:
                    body.append(f"<AssessmentAuthorisationDate>{authorised.isoformat()}</AssessmentAuthorisationDate>")
                    factors = rng.sample(_FACTORS, rng.choice([1, 2, 3]))
                    body.append("<FactorsIdentifiedAtAssessment>")
                    body.extend(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
                    body.append("</FactorsIdentifiedAtAssessment>")
                    latest = max(latest, authorised)
                body.append("</Assessments>")
                if done:
                    closure, reason, latest = self._after_assessment(referral, max(a_start, authorised), body)
                elif a_start < self.year_start:  # an assessment still open must have started in the census year
                    return self._drop()
        if closure is not None and closure > ref:  # closes after the census date: open in the return
            closure, reason = None, None
        if closure is not None and closure < self.year_start:
            return closure  # closed before the census year: not in the return
        head = [f"<CINdetails><CINreferralDate>{referral.isoformat()}</CINreferralDate>",
                f"<ReferralSource>{source}</ReferralSource>", f"<PrimaryNeedCode>{need}</PrimaryNeedCode>"]
        if closure is not None:
            closure = max(closure, latest)
            head.append(f"<CINclosureDate>{closure.isoformat()}</CINclosureDate>")
            head.append(f"<ReasonForClosure>{reason}</ReasonForClosure>")
        tail = [f"<ReferralNFA>{'1' if nfa else '0'}</ReferralNFA>"]
        plans = [b for b in body if b.startswith("<ChildProtectionPlans>")]
        others = [b for b in body if not b.startswith("<ChildProtectionPlans>")]
        self.episodes.append("".join(head + others + tail + plans) + "</CINdetails>")
        return closure

    def _drop(self) -> None:
        return None

    def _after_assessment(self, referral: dt.date, authorised: dt.date,
                          body: list[str]) -> tuple[dt.date | None, str | None, dt.date]:
        """A CIN plan, or a section 47 enquiry perhaps leading to a child protection plan; then the episode's
        closure (or None while open), its reason and the latest activity."""
        rng, ref = self.rng, self.ref
        latest = authorised
        roll = rng.random()
        if roll < 0.35:  # closed after assessment
            return authorised, rng.choice(["RC8", "RC9"]), latest
        if roll < 0.65:  # a section 47 enquiry
            s47 = referral + dt.timedelta(days=rng.randrange(0, 3))
            if s47 > ref:
                return None, None, latest
            icpc = _wd_after(s47, rng.choice([rng.randrange(3, 16), rng.randrange(3, 25)]))
            conference = icpc <= ref and rng.random() < 0.7
            body.append(f"<Section47><S47ActualStartDate>{s47.isoformat()}</S47ActualStartDate>")
            body.append(f"<InitialCPCtarget>{_wd_after(s47, 15).isoformat()}</InitialCPCtarget>")
            if conference:
                body.append(f"<DateOfInitialCPC>{icpc.isoformat()}</DateOfInitialCPC>")
            body.append(f"<ICPCnotRequired>{'0' if conference else '1'}</ICPCnotRequired></Section47>")
            latest = max(latest, s47)
            if conference:
                latest = max(latest, icpc)
                if rng.random() < 0.8:
                    end = self._plan(icpc, body)
                    if end is None:
                        return None, None, latest
                    latest = max(latest, end)
                    return end + dt.timedelta(days=rng.randrange(0, 60)), "RC7", latest
            return latest + dt.timedelta(days=rng.randrange(0, 30)), rng.choice(["RC7", "RC8"]), latest
        # a child in need plan
        plan_end = authorised + dt.timedelta(days=rng.randrange(60, 700))
        body.append(f"<CINPlanDates><CINPlanStartDate>{authorised.isoformat()}</CINPlanStartDate>")
        if plan_end <= ref:
            body.append(f"<CINPlanEndDate>{plan_end.isoformat()}</CINPlanEndDate></CINPlanDates>")
            return plan_end, rng.choice(["RC3", "RC4", "RC5", "RC7", "RC7", "RC7"]), plan_end
        body.append("</CINPlanDates>")
        return None, None, latest

    def _plan(self, start: dt.date, body: list[str]) -> dt.date | None:
        """A child protection plan from ``start``; its end, or None while it is open."""
        rng, ref = self.rng, self.ref
        end = start + dt.timedelta(days=rng.choice([rng.randrange(60, 400), rng.randrange(300, 1000)]))
        if self.fault == "8840":
            end = start
        parts = [f"<ChildProtectionPlans><CPPstartDate>{start.isoformat()}</CPPstartDate>"]
        if end <= ref:
            parts.append(f"<CPPendDate>{end.isoformat()}</CPPendDate>")
        category = rng.choice(_CATEGORIES)
        parts.append(f"<InitialCategoryOfAbuse>{category}</InitialCategoryOfAbuse>")
        parts.append(f"<LatestCategoryOfAbuse>{category}</LatestCategoryOfAbuse>")
        parts.append(f"<NumberOfPreviousCPP>{self.previous_plans}</NumberOfPreviousCPP>")
        self.previous_plans += 1
        reviews, review = [], start + dt.timedelta(days=rng.randrange(80, 92))
        while review <= min(end, ref) and review > start:
            reviews.append(review)
            review += dt.timedelta(days=rng.randrange(150, 183))
        if reviews:
            parts.append("<Reviews>")
            parts.extend(f"<CPPreviewDate>{r.isoformat()}</CPPreviewDate>" for r in reviews)
            parts.append("</Reviews>")
        parts.append("</ChildProtectionPlans>")
        body.append("".join(parts))
        return end if end <= ref else None


def generate(children: int = 1000, *, seed: int = 0, reference_date: dt.date = DEFAULT_REFERENCE_DATE,
             la: str = "999", faults: float = 0.0) -> str:
    """A synthetic CIN census as XML text (see the module's docstring)."""
    rng = random.Random(seed)
    ref = reference_date
    year_start = (dt.date(ref.year - 1, ref.month, ref.day) + dt.timedelta(days=1))
    year = ref.year
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection>',
           f"<Year>{year}</Year><ReferenceDate>{ref.isoformat()}</ReferenceDate></CollectionDetails>",
           f"<Source><SourceLevel>L</SourceLevel><LEA>{escape(la)}</LEA><SoftwareCode>goldthread synthetic"
           f"</SoftwareCode><Release>1</Release><SerialNo>{seed % 1000:03d}</SerialNo>"
           f"<DateTime>{ref.isoformat()}T09:00:00</DateTime></Source></Header>\n<Children>\n"]
    fault_codes = list(FAULTS)
    for number in range(1, children + 1):
        fault = rng.choice(fault_codes) if faults and rng.random() < faults else None
        out.append(_Child(rng, number, ref, year_start, fault).xml())
        out.append("\n")
    out.append("</Children></Message>\n")
    return "".join(out)


def write(path: str | Path, children: int = 1000, **options) -> Path:
    """Write ``generate(children, **options)`` to ``path``."""
    path = Path(path)
    path.write_text(generate(children, **options), encoding="utf-8")
    return path
