"""Plain words for a young person: vaccines, services, relatives, the glossary."""

from __future__ import annotations

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


def when_you_were(born: date, day: date | str) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    age = age_in_years(born, day)
    if age < 1:
        months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
        if months < 1:
            return "when you were a newborn baby"
        return f"when you were {months} month{'s' if months != 1 else ''} old"
    return f"when you were {age}"


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


def course_words(course) -> str:
    """When a vaccine is due, in short sentences: "You need 3 doses, at least 4 weeks apart.
    The first one is due now." ``course`` is a ``passport.rules.Course``."""
    first = "The first one" if course.count > 1 else "It"
    if course.count > 1:
        gap = f", at least {course.interval.words()} apart" if course.interval else ""
        need = f"You need {_number(course.count)} doses{gap}. "
    else:
        need = "You need one dose. " if course.catch_up else ""
    if course.first_due_now and course.catch_up:
        when = f"{first} is due now."
    elif course.first_due_now:
        when = f"{first} was due on {long_date(course.first_due)}. You can still have it."
    else:
        when = f"{first} is due from {long_date(course.first_due)}."
    return need + when


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
