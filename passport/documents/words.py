"""Plain words for a young person: vaccines, services, relatives, the glossary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from passport.rules.dates import age_in_years, long_date

VACCINE_PROTECTS = {
    "6-in-1": "diphtheria, tetanus, whooping cough, polio, Hib and hepatitis B",
    "5-in-1": "diphtheria, tetanus, whooping cough, polio and Hib",
    "PCV": "pneumococcal germs, which can cause pneumonia and meningitis",
    "MenB": "meningitis B",
    "MenC": "meningitis C",
    "Hib/MenC": "Hib and meningitis C",
    "Rotavirus": "rotavirus, a tummy bug that makes babies very ill",
    "MMR": "measles, mumps and rubella",
    "MMRV": "measles, mumps, rubella and chickenpox",
    "4-in-1 pre-school booster": "diphtheria, tetanus, whooping cough and polio",
    "Flu": "flu",
    "HPV": "HPV, a virus that can cause some cancers later in life",
    "Td/IPV": "tetanus, diphtheria and polio",
    "MenACWY": "four kinds of meningitis: A, C, W and Y",
    "BCG": "tuberculosis (TB)",
    "Hepatitis B": "hepatitis B, a liver infection",
    "COVID-19": "COVID-19",
}

SOURCE_WORDS = {
    "gp_record": "your GP record",
    "red_book": "your red book (the baby health record)",
    "school_programme": "the school vaccination team",
    "country_of_origin_record": "a record from the country you lived in before",
    "self_report": "what you or your family told us",
    "other": "another record",
}

RELATIVE_WORDS = {
    "birth_mother": "your birth mother",
    "birth_father": "your birth father",
    "full_sibling": "your brother or sister",
    "half_sibling": "your half-brother or half-sister",
    "grandparent": "your grandparent",
    "aunt_or_uncle": "your aunt or uncle",
    "other": "someone in your birth family",
}

OWNER_WORDS = {
    "carer": "your carer",
    "young_person": "you",
    "social_worker": "your social worker",
    "lac_nurse": "your nurse",
    "gp": "your GP",
    "camhs": "CAMHS",
    "dentist": "your dentist",
    "school_nurse": "the school nurse",
    "other": "someone in your team",
}

# Time in hospital, said to the young person (format /2 `hospital_episodes[].kind`).
HOSPITAL_WORDS = {
    "admission": "You stayed in hospital",
    "operation": "You had an operation",
    "emergency_attendance": "You went to A&E (accident and emergency)",
}
# The same, said to a carer about the child.
HOSPITAL_WORDS_CARER = {
    "admission": "Stayed in hospital",
    "operation": "Had an operation",
    "emergency_attendance": "Went to A&E",
}

# Health advice given (format /2 `health_advice[].topic`, Schedule 1 of the 2010 Regulations).
ADVICE_WORDS = {
    "sexual_health_and_contraception": "Sex, relationships and contraception",
    "smoking": "Smoking and vaping",
    "alcohol": "Alcohol",
    "drugs": "Drugs",
    "self_harm": "Self-harm, and where to get help",
    "dental_costs": "Help with the cost of the dentist",
    "registering_with_a_gp": "How to sign up with a GP",
    "help_with_nhs_costs": "Help with NHS costs, like free prescriptions",
    "other": "Other health advice",
}

GLOSSARY = (
    (
        "CAMHS",
        "Child and Adolescent Mental Health Services. The NHS team that helps children "
        "and young people with their feelings, worries and mental health.",
    ),
    ("GP", "General practitioner. The family doctor you see at your local surgery."),
    (
        "Health plan",
        "A list of things to do to keep you well, agreed at your health check. "
        "It says who will do each thing.",
    ),
    ("IHA", "Initial health assessment. Your first health check after you came into care."),
    (
        "Immunisation",
        "Another word for a vaccination: an injection or nasal spray that "
        "protects you from an illness.",
    ),
    ("LAC nurse", "The nurse for children in care. LAC means looked-after children."),
    ("NHS number", "Your own number in the NHS. It helps any doctor find your records."),
    ("Personal adviser", "The person who helps you plan your life after care."),
    (
        "RHA",
        "Review health assessment. A health check every year (every six months when "
        "you were under 5).",
    ),
    (
        "SDQ",
        "Strengths and Difficulties Questionnaire. A short form about how you are "
        "feeling and getting on.",
    ),
    (
        "HPV, MMR, Td/IPV, MenACWY, BCG",
        "Names of vaccinations. Each one is explained next to it in your list.",
    ),
)


def glossary(voice: Voice) -> tuple[tuple[str, str], ...]:
    """The glossary for the document's reader: the young person (GLOSSARY), or the people who
    look after a child under 12, with the child named as the rest of the document names them."""
    if voice.to_child:
        return GLOSSARY
    s, o, p, P = voice.subject, voice.object, voice.possessive, voice.Possessive  # noqa: N806
    said = {
        "GP": "General practitioner. The family doctor at the local surgery.",
        "Health plan": f"A list of things to do to keep {o} well, agreed at {p} health check. "
        "It says who will do each thing.",
        "IHA": f"Initial health assessment. {P} first health check after {s} came into care.",
        "Immunisation": "Another word for a vaccination: an injection or nasal spray that "
        f"protects {o} from an illness.",
        "NHS number": f"{P} own number in the NHS. It helps any doctor find {p} records.",
        "Personal adviser": "The person who helps a young person plan their life after care.",
        "RHA": "Review health assessment. A health check every year (every six months for "
        "children under 5).",
        "SDQ": f"Strengths and Difficulties Questionnaire. A short form about how {s} "
        f"{voice.is_} feeling and getting on.",
        "HPV, MMR, Td/IPV, MenACWY, BCG": "Names of vaccinations. Each one is explained next "
        "to it in the list.",
    }
    return tuple((term, said.get(term, meaning)) for term, meaning in GLOSSARY)


def when_you_were(born: date, day: date | str, voice: Voice | None = None) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    were = (
        "you were"
        if voice is None or voice.to_child
        else f"{voice.subject} {'were' if voice.plural else 'was'}"
    )
    age = age_in_years(born, day)
    if age < 1:
        months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
        if months < 1:
            return f"when {were} a newborn baby"
        return f"when {were} {months} month{'s' if months != 1 else ''} old"
    return f"when {were} {age}"


def vaccine_words(name: str, booster: bool = False) -> str:
    """``protects against ...``. Td/IPV is "the teenage booster" only when it is one: for a
    young person catching up it is the first course, and calling it a booster is wrong."""
    protects = VACCINE_PROTECTS.get(name)
    if protects and booster and name == "Td/IPV":
        protects += " (the teenage booster)"
    return f"protects against {protects}" if protects else ""


NOT_GIVEN_WORDS = {
    "declined": "declined",
    "contraindicated": "not safe to give",
}


def dose_name(vaccine: str, dose: int | None) -> str:
    """``MMR dose 2``, or just ``MMR`` when the dose number is not known."""
    return f"{vaccine} dose {dose}" if dose else vaccine


def not_given_words(status: str, reason: str | None) -> str:
    """``not given: declined (parent's wish)``: a dose not given, in plain words."""
    words = f"not given: {NOT_GIVEN_WORDS.get(status, status)}"
    reason = (reason or "").strip().rstrip(".")
    return f"{words} ({reason})" if reason else words


def _number(n: int) -> str:
    return ("one", "two", "three", "four", "five")[n - 1] if 1 <= n <= 5 else str(n)


def care_start(child: dict) -> date:
    """When the child came into care, or to the UK if that was later: no dose is said to have
    been due before it (issue 15)."""
    days = [date.fromisoformat(child["entered_care"])]
    if child.get("arrived_in_uk"):
        days.append(date.fromisoformat(child["arrived_in_uk"]))
    return max(days)


def course_words(course, since: date | None = None, voice: Voice | None = None) -> str:
    """When a vaccine is due, in short sentences: "You need 3 doses, at least 4 weeks apart,
    starting at your next GP visit." ``course`` is a ``passport.rules.Course``.

    A catch-up (UKHSA, uncertain or incomplete immunisation status) is a course from now,
    and so is a course whose first dose fell due before ``since`` (when the child came into
    care or to the UK): never "due since" a date before we looked after them."""
    voice = voice or TO_YOUNG_PERSON
    need = (
        "You need" if voice.to_child else f"{voice.Subject} {'need' if voice.plural else 'needs'}"
    )
    gap = (
        f", at least {course.interval.words()} apart"
        if course.count > 1 and course.interval
        else ""
    )
    doses = f"{_number(course.count)} doses" if course.count > 1 else "one dose"
    from_now = course.first_due_now and (
        course.catch_up or (since is not None and course.first_due < since)
    )
    if from_now:
        start = "starting" if course.count > 1 else ""
        visit = f"at {voice.possessive} next GP visit"
        return f"{need} {doses}{gap}, {start + ' ' if start else ''}{visit}."
    first = "The first one" if course.count > 1 else "It"
    said_need = f"{need} {doses}{gap}. " if course.count > 1 else ""
    if course.first_due_now:
        who = "You" if voice.to_child else voice.Subject
        when = f"{first} was due on {long_date(course.first_due)}. {who} can still have it."
    else:
        when = f"{first} is due from {long_date(course.first_due)}."
    return said_need + when


def catch_up_intro(start: date, arrived: bool, anything_due: bool) -> str:
    """Why the list is a catch-up plan, and from when, for a history we do not fully know."""
    since = "you came to the UK" if arrived else "you came into care"
    if not anything_due:
        return (
            "We don't have your full vaccine record, so we can't say you are up to "
            "date. Nothing is due from what we know. Ask your GP to check."
        )
    return (
        f"We don't have your full vaccine record. So your GP will give you the ones you "
        f"may have missed. This is called catch-up. Your plan starts from when {since}, "
        f"on {long_date(start)}."
    )


def tel_href(phone: str) -> str:
    """A phone number as written (``01632 960001``) as a tap-to-call link target
    (``tel:+441632960001``): digits only, a UK trunk 0 turned into +44."""
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("0") and len(digits) > 4:
        return f"tel:+44{digits[1:]}"
    return f"tel:{digits}"


# --- who a young person's document speaks to ----------------------------------------------

# Under this age the passport speaks to the people who look after the child, not to the child
# (issue 15): an 8-month-old cannot read "call NHS 111 if you are struggling".
SPEAKS_TO_CHILD_FROM = 12

_PRONOUNS = {
    # subject, object, possessive, and whether the verb is plural ("they are")
    "she": ("she", "her", "her", False),
    "he": ("he", "him", "his", False),
    "they": ("they", "them", "their", True),
}


@dataclass(frozen=True)
class Voice:
    """The words a young person's document uses for its reader and the child.

    ``to_child``: the document speaks to the young person ("you", "your"). Otherwise it speaks
    to the people who look after a child under 12 and names the child: by their pronouns when
    recorded (she/her, he/him, they/them), else by name ("Rosa", "Rosa's")."""

    to_child: bool
    name: str
    subject: str  # you | she | he | they | the name
    object: str  # you | her | him | them | the name
    possessive: str  # your | her | his | their | the name's
    plural: bool  # "you are", "they are"; "she is"

    @property
    def Subject(self) -> str:  # noqa: N802 (a capital for the start of a sentence)
        return self.subject[:1].upper() + self.subject[1:]

    @property
    def Possessive(self) -> str:  # noqa: N802
        return self.possessive[:1].upper() + self.possessive[1:]

    @property
    def Whose(self) -> str:  # noqa: N802
        """For a heading: "Your", or the child's name ("Rosa's") rather than a pronoun."""
        return "Your" if self.to_child else f"{self.name}'s"

    @property
    def is_(self) -> str:
        return "are" if self.plural else "is"

    @property
    def has(self) -> str:
        return "have" if self.plural else "has"

    @property
    def names(self) -> str:
        """The child by name, for a heading: "You" or "Rosa"."""
        return "you" if self.to_child else self.name

    def owner(self, owner: str) -> str:
        """Who does a plan action, said to this reader: "your nurse", "Rosa's nurse"."""
        words = OWNER_WORDS[owner]
        if self.to_child:
            return words
        if owner == "young_person":
            return self.name
        if owner == "carer":
            return "you"
        return words.replace("your ", f"{self.name}'s ")


def voice_for(child: dict, as_of: date, to_child: bool | None = None) -> Voice:
    """How a young person's document speaks, from the child's age on the day it is made
    (`to_child` True: always to the young person, as the care-leaver summary does)."""
    name = child.get("preferred_name") or child["given_name"]
    born = date.fromisoformat(child["date_of_birth"])
    if to_child or age_in_years(born, as_of) >= SPEAKS_TO_CHILD_FROM:
        return Voice(True, name, "you", "you", "your", True)
    pronouns = (child.get("pronouns") or "").split("/")[0].strip().casefold()
    if pronouns in _PRONOUNS:
        subject, obj, possessive, plural = _PRONOUNS[pronouns]
        return Voice(False, name, subject, obj, possessive, plural)
    return Voice(False, name, name, name, f"{name}'s", False)


TO_YOUNG_PERSON = Voice(True, "", "you", "you", "your", True)


# --- plan actions and what is overdue, said to the reader ---------------------------------

# He, she, they and their other forms: an action that speaks of someone this way was written
# by staff about the child ("Give Daniel his summary and go through it with him").
_THIRD_PERSON = re.compile(
    r"\b(he|him|his|himself|she|her|hers|herself|they|them|their|theirs|themselves)\b",
    re.IGNORECASE,
)


def plan_action(action: dict, child: dict, voice: Voice) -> str | None:
    """A health plan action as a young person's document says it, or None to leave it out.

    The rule, in one place: plan actions are written by staff, often for staff. A document
    that speaks to the young person never quotes one that talks about them in the third
    person (it names them, or says he, she, they, him, her, them, his, their...): that is
    staff work, and it is left out; the young person is told who else has things to do
    instead (`next_steps`). Any other action is shown with who does it ("your nurse", "you").
    A passport for a child under 12 speaks to the people looking after them, so there the
    third person is the document's own voice and every action is shown."""
    text = action["action"].strip().rstrip(".")
    if voice.to_child and action["owner"] != "young_person":
        names = {child.get("given_name"), child.get("preferred_name"), child.get("family_name")}
        said_about = any(re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE) for n in names if n)
        if said_about or _THIRD_PERSON.search(text):
            return None
    return f"{text} ({voice.owner(action['owner'])})"


def overdue_words(code: str, due: date | None, voice: Voice) -> str | None:
    """One overdue item said to the reader with who is acting on it, or None when the item
    is said elsewhere (vaccines due, a plan action) or is staff's own concern."""
    your, Your = voice.possessive, voice.Possessive  # noqa: N806
    if voice.to_child:
        ask_carer = "Ask your carer to book it."
    else:
        ask_carer = "Please book it, or ask the nurse for help."
    when = f" was due on {long_date(due)}" if due else " is overdue"
    words = {
        "RHA_OVERDUE": f"{Your} health check{when}. {Your} nurse is arranging it.",
        "IHA_MISSING": f"{Your} first health check{when}. {Your} nurse is arranging it.",
        "DENTAL_CHECK_OVERDUE": f"{Your} dental check{when}. {ask_carer}",
        "SIGHT_TEST_OVERDUE": f"{Your} sight test{when}. {ask_carer}",
        "GP_NOT_REGISTERED": (
            "You are not signed up with a GP yet. Ask your carer or nurse to help you."
            if voice.to_child
            else f"{voice.Subject} {voice.is_} not signed up with a GP yet. Please do this soon."
        ),
        "INFO_REQUEST_OUTSTANDING": (
            f"{Your} nurse is still waiting for some of {your} health records."
        ),
        "LEAVER_SUMMARY_DUE": (
            "Your health summary for leaving care is due. Your nurse will go through it with you."
        ),
        "UASC_SCREENING_INCOMPLETE": (
            f"Some health tests for people new to the UK are not done yet. "
            f"{Your} GP will arrange them."
        ),
        "ARRIVAL_SCREENING_INCOMPLETE": (
            f"Some health tests for people new to the UK are not done yet. "
            f"{Your} GP will arrange them."
        ),
    }
    return words.get(code)


def others_acting(owners: list[str], voice: Voice) -> str | None:
    """ "Your nurse and your GP also have things to do from your health plan." """
    said = [voice.owner(o) for o in owners if o != "young_person"]
    if not said:
        return None
    who = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    verb = "has" if len(said) == 1 and said[0] != "you" else "have"
    who = who[:1].upper() + who[1:]
    return f"{who} also {verb} things to do from {voice.possessive} health plan."
