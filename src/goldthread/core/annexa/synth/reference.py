"""Reference data for the simulation (fictional names, places, code weights) and the shares of the referral
pathway."""

from __future__ import annotations

import datetime as dt

from .draws import (
    _Table,
)

date = dt.date


_FIRST_NAMES = (
    "Aaliyah Abdul Adam Adebayo Aisha Alex Alice Amara Amelia Amir Amy Ana Andrew Anita Anna Arjun Ashley "
    "Ayesha Bethany Bilal Callum Carla Caroline Charlotte Chen Chloe Chris Claire Connor Daniel Danielle "
    "David Deborah Declan Dominika Eleanor Elif Ella Emily Emma Ethan Fatima Fiona Gareth Gemma Grace "
    "Hamza Hannah Harriet Hassan Helen Imran Isaac Jack Jade James Jamila Jasmine Jason Jennifer Joanne "
    "Jordan Joseph Julia Karen Kate Kieran Kirsty Laura Leanne Liam Lucy Luke Marcus Maria Mark Martha "
    "Megan Michael Mohammed Naomi Natalie Nathan Neil Nicola Nikhil Olivia Oliver Owen Patrick Paul "
    "Precious Priya Rachel Rebecca Rhys Richard Rosie Ruth Ryan Samir Sarah Sean Shabana Siobhan Sophie "
    "Stephen Tariq Thomas Tom Tunde Vanessa Victoria Wei Yasmin Zainab Zoe"
).split()
_SURNAMES = (
    "Abbott Adeyemi Ahmed Ali Allen Anderson Appiah Armstrong Atkinson Bailey Baker Banks Barker Barnes "
    "Bates Begum Bell Bennett Bibi Bird Bishop Blake Bond Booth Bradley Brennan Brooks Brown Burke Butler "
    "Campbell Carter Chapman Chaudhry Clarke Cole Collins Cook Cooper Cox Crawford Cunningham Davies "
    "Dawson Day Dixon Doyle Duffy Edwards Ellis Evans Farrell Fisher Fletcher Ford Foster Fox Francis "
    "Gallagher Gibson Gill Gordon Graham Grant Gray Green Griffiths Hall Hamilton Harper Harris Hart "
    "Hassan Hayes Henderson Hill Hughes Hunt Hussain Iqbal Jackson James Jenkins Johnson Jones Kaur Kelly "
    "Kennedy Khan King Knight Kowalski Lane Lawrence Lee Lewis Lloyd Marshall Martin Mason Matthews Miah "
    "Mills Mitchell Moore Morgan Morris Murphy Murray Nowak Okafor Oliver Osei Owen Palmer Parker Patel "
    "Pearson Phillips Powell Price Rahman Reid Reynolds Richards Riley Roberts Robinson Rogers Rose Ross "
    "Russell Saunders Scott Shah Sharma Shaw Simpson Singh Smith Stevens Stewart Sullivan Taylor Thomas "
    "Thompson Turner Walker Walsh Ward Watson Webb Wells White Wilkinson Williams Wilson Wood Wright "
    "Yildiz Young"
).split()
_LOCALITIES = ("North", "South", "East", "West", "Central")
_NEIGHBOURS = ("Brackenshire", "Marrowdale", "Kestrel Bay", "Hollins Moor", "Fernleigh", "Saltmarsh",
               "Oakhurst")
_SCHOOLS = ("St Aidan's", "Oakfield", "Riverside", "Hillcrest", "Moorside", "Beechwood", "Greenbank",
            "Westfield", "Parkside", "Brookvale", "Holy Cross", "Castle View")
_ACCOMMODATION = _Table([
    ("Independent living", 30), ("Supported lodgings", 10), ("With former foster carer", 12),
    ("Semi-independent transitional accommodation", 15), ("With parents or relatives", 12),
    ("Community home", 3), ("Ordinary lodgings", 4), ("Foyers", 3), ("Emergency accommodation", 2),
    ("Bed and breakfast", 1), ("No fixed abode / homeless", 1), ("In custody", 2), ("Residence not known", 2),
    ("Other accommodation", 3),
])
_UNSUITABLE_LIKELY = frozenset({"Emergency accommodation", "Bed and breakfast", "No fixed abode / homeless",
                                "In custody", "Residence not known"})

_GENDER = _Table([("M", 515), ("F", 475), ("U", 8), ("N", 2)])
_ETHNICITY = _Table([
    ("WBRI", 680), ("WIRI", 5), ("WIRT", 3), ("WOTH", 50), ("WROM", 10), ("MWBC", 30), ("MWBA", 10),
    ("MWAS", 15), ("MOTH", 30), ("AIND", 15), ("APKN", 30), ("ABAN", 10), ("AOTH", 10), ("BCRB", 10),
    ("BAFR", 30), ("BOTH", 10), ("CHNE", 3), ("OOTH", 20), ("REFU", 5), ("NOBT", 20),
])
_UASC_ETHNICITY = _Table([("OOTH", 35), ("BAFR", 20), ("AOTH", 25), ("BOTH", 10), ("MOTH", 5), ("NOBT", 5)])
_REFERRAL_AGE = _Table([(0, 9), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5), (6, 5), (7, 5), (8, 5), (9, 5),
                        (10, 5), (11, 5.5), (12, 6), (13, 6.5), (14, 7), (15, 7), (16, 6), (17, 3.5)])
_CARE_AGE = _Table([(0, 18), (1, 4), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), (7, 3), (8, 3), (9, 3), (10, 5),
                    (11, 5), (12, 6), (13, 6.5), (14, 7), (15, 7), (16, 6), (17, 4)])
_REFERRAL_SOURCE = _Table([
    ("6", 29), ("2A", 19), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 3), ("3F", 2),
    ("5A", 4), ("5B", 3), ("5C", 3), ("5D", 3), ("1A", 4), ("1B", 1), ("1C", 1), ("1D", 1), ("4", 2),
    ("7", 2), ("8", 6), ("9", 1), ("10", 2),
])
_CONTACT_SOURCE = _Table([
    ("6", 38), ("2A", 15), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 4), ("3F", 2),
    ("5A", 3), ("5B", 2), ("5C", 3), ("5D", 3), ("1A", 6), ("1B", 2), ("1C", 1), ("1D", 1), ("4", 2),
    ("7", 1), ("8", 5), ("9", 2), ("10", 2),
])
_UASC_SOURCE = _Table([("5C", 40), ("6", 30), ("8", 30)])
_ABUSE = _Table([("NEG", 50), ("EMO", 36), ("PHY", 7), ("SAB", 4), ("MUL", 3)])
_NEED_CP = _Table([("N1", 82), ("N5", 9), ("N4", 5), ("N3", 2), ("N8", 2)])
_NEED_CIN = _Table([("N1", 40), ("N4", 15), ("N5", 22), ("N3", 7), ("N6", 6), ("N7", 2), ("N8", 4),
                    ("N0", 4)])
_NEED_NFA = _Table([("N9", 60), ("N0", 25), ("N4", 8), ("N5", 7)])
_CARE_ROUTES = (  # by age at entry: up to 1, 2-4, 5-11, 12-15, 16-17
    (1, _Table([("return", 25), ("adoption", 45), ("sgo", 20), ("cao", 2), ("eighteen", 6), ("other", 2)])),
    (4, _Table([("return", 31), ("adoption", 22), ("sgo", 23), ("cao", 3), ("eighteen", 19), ("other", 2)])),
    (11, _Table([("return", 38), ("sgo", 14), ("cao", 3), ("eighteen", 40), ("other", 5)])),
    (15, _Table([("return", 42), ("sgo", 5), ("eighteen", 45), ("other", 8)])),
    (17, _Table([("return", 30), ("eighteen", 62), ("other", 8)])),
)
_PLACEMENTS = (  # by age at the move: up to 4, 5-11, 12-15, 16-17; "SA" is supported accommodation
    (4, _Table([("U6", 55), ("U3", 28), ("P1", 4), ("U4", 9), ("R3", 2)])),
    (11, _Table([("U6", 50), ("U3", 20), ("U4", 14), ("U1", 4), ("K2", 6), ("P1", 4), ("S1", 2)])),
    (15, _Table([("U6", 40), ("U3", 9), ("U4", 10), ("U1", 3), ("K2", 30), ("K1", 1), ("S1", 2), ("P1", 3),
                 ("Z1", 2)])),
    (17, _Table([("SA", 42), ("U6", 22), ("U4", 8), ("K2", 22), ("P2", 2), ("R5", 1), ("Z1", 3)])),
)
_LONG_TERM = {"U6": "U4", "U3": "U1"}
_SUPPORTED_ACCOMMODATION_FROM = date(2023, 10, 28)  # H5 semi-independent became K3 supported accommodation
_CEASED = {
    "return": _Table([("E4A", 85), ("E4B", 15)]),
    "adoption": _Table([("E11", 70), ("E12", 30)]),
    "sgo": _Table([("E45", 35), ("E46", 10), ("E47", 45), ("E48", 10)]),
    "cao": _Table([("E41", 1)]),
    "other": _Table([("E13", 30), ("E3", 20), ("E8", 25), ("E4B", 15), ("E9", 10)]),
}
_ROUTE_PLAN = {"return": "RETURN", "adoption": "ADOPTION", "sgo": "SGO_CAO", "cao": "SGO_CAO",
               "other": "OTHER"}
_CLOSURE = {"return": "RC7", "adoption": "RC1", "sgo": "RC4", "cao": "RC3", "other": "RC7", "eighteen": "RC7"}
_NO_LONGER_REASONS = ("Child's needs changed", "Court did not make a placement order",
                      "Prospective adopters cannot be found", "Any other reason")

# Shares of the referral pathway
_P_NFA = 0.07  # referral, no further action
_P_CWD = 0.04  # disabled child, worked by the children with disabilities team
_P_S47 = 0.34  # of assessments
_P_ICPC = 0.42  # of section 47 enquiries
_P_CPP = 0.86  # of initial conferences
_P_CARE = 0.03  # emergency entry to care from an assessment (four times as likely for a baby)
_P_CIN = 0.40  # child in need plan after an assessment without protection
_CONTACTS_PER_REFERRAL = 3.4  # contacts that do not become referrals, per referral
_EARLY_HELP_PER_REFERRAL = 0.5
_UASC_PER_REFERRAL = 0.005
_STANDING_ENTRIES_PER_REFERRAL = 0.047  # entries to care per referral, for the years before the history
_ENQUIRIES_PER_REFERRAL = 0.012  # adopter families enquiring
_LEGACY_YEARS = 22
_TEAM_SIZE = 7
_MID_MONTH = 15

# Allocation pools (kinds of team)
_FRONT_DOOR, _ASSESSMENT, _SAFEGUARDING, _DISABILITIES, _IN_CARE, _LEAVING_CARE = range(6)

# Case status
_ASSESS, _CIN, _CPP, _LAC, _CLOSED = "ASSESSMENT", "CIN", "CPP", "LAC", "CLOSED"
