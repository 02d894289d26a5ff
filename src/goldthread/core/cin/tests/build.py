"""Hand-made CIN census XML for tests: each helper returns the XML of one group, an element left out when its
value is None, in the DfE schema's order. ``census(tmp_path, child(...), ...)`` writes and reads a return."""

from __future__ import annotations

from pathlib import Path

from goldthread.core.cin.reader import CINCensus, read_cin_census


def _el(tag: str, value) -> str:
    return "" if value is None else f"<{tag}>{value}</{tag}>"


def assessment(start="2024-06-04", *, review=None, authorised="2024-07-01", factors=("3B",)) -> str:
    inner = _el("AssessmentActualStartDate", start) + _el("AssessmentInternalReviewDate", review)
    inner += _el("AssessmentAuthorisationDate", authorised)
    if factors:
        inner += ("<FactorsIdentifiedAtAssessment>" + "".join(_el("AssessmentFactors", f) for f in factors)
                  + "</FactorsIdentifiedAtAssessment>")
    return f"<Assessments>{inner}</Assessments>"


def plan(start="2024-07-01", end=None) -> str:
    return f"<CINPlanDates>{_el('CINPlanStartDate', start)}{_el('CINPlanEndDate', end)}</CINPlanDates>"


def s47(start="2024-06-05", *, target=None, icpc=None, not_required="0") -> str:
    return (f"<Section47>{_el('S47ActualStartDate', start)}{_el('InitialCPCtarget', target)}"
            f"{_el('DateOfInitialCPC', icpc)}{_el('ICPCnotRequired', not_required)}</Section47>")


def cpp(start="2024-06-20", end=None, *, initial="NEG", latest="NEG", previous="0", reviews=()) -> str:
    inner = (_el("CPPstartDate", start) + _el("CPPendDate", end) + _el("InitialCategoryOfAbuse", initial)
             + _el("LatestCategoryOfAbuse", latest) + _el("NumberOfPreviousCPP", previous))
    if reviews:
        inner += "<Reviews>" + "".join(_el("CPPreviewDate", r) for r in reviews) + "</Reviews>"
    return f"<ChildProtectionPlans>{inner}</ChildProtectionPlans>"


def cin(referral="2024-06-03", *, source="1A", need="N1", closure=None, reason=None, icpc=None, nfa="0",
        assessments=(), plans=(), s47s=(), cpps=(), extra="") -> str:
    """A CINdetails group; with no ``reason`` given, a closed episode gets RC7."""
    if closure is not None and reason is None:
        reason = "RC7"
    return ("<CINdetails>" + _el("CINreferralDate", referral) + _el("ReferralSource", source)
            + _el("PrimaryNeedCode", need) + _el("CINclosureDate", closure) + _el("ReasonForClosure", reason)
            + _el("DateOfInitialCPC", icpc) + "".join(assessments) + "".join(plans) + "".join(s47s)
            + _el("ReferralNFA", nfa) + "".join(cpps) + extra + "</CINdetails>")


def child(child_id="C1", *, upn=None, upn_unknown="UN1", birth="2015-05-01", expected=None, sex="M",
          gender=None, death=None, ethnicity="WBRI", disabilities=("NONE",), cins=None, identifiers_extra="") -> str:
    """A Child; ``cins`` defaults to one open episode with a completed assessment."""
    if cins is None:
        cins = (cin(assessments=(assessment(),)),)
    ids = (_el("LAchildID", child_id) + _el("UPN", upn) + _el("UPNunknown", upn_unknown)
           + _el("PersonBirthDate", birth) + _el("ExpectedPersonBirthDate", expected) + _el("Sex", sex)
           + _el("GenderCurrent", gender) + _el("PersonDeathDate", death) + identifiers_extra)
    dis = ("<Disabilities>" + "".join(_el("Disability", d) for d in disabilities) + "</Disabilities>"
           if disabilities else "")
    return (f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers><ChildCharacteristics>{_el('Ethnicity', ethnicity)}"
            f"{dis}</ChildCharacteristics>{''.join(cins)}</Child>")


def message(*children: str, year="2025", reference="2025-03-31", lea="999", header=True) -> str:
    head = ("<Header><CollectionDetails><Collection>CIN</Collection>" + _el("Year", year)
            + _el("ReferenceDate", reference) + "</CollectionDetails><Source><SourceLevel>L</SourceLevel>"
            + _el("LEA", lea) + "<SoftwareCode>tests</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>"
            "<DateTime>2025-04-02T10:00:00</DateTime></Source></Header>") if header else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>{head}<Children>{"".join(children)}</Children></Message>\n'


def write(tmp_path: Path, text: str, name: str = "cin.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def census(tmp_path: Path, *children: str, **header) -> CINCensus:
    """Write a return of ``children`` (one valid child when none) and read it."""
    return read_cin_census(write(tmp_path, message(*(children or (child(),)), **header)))
