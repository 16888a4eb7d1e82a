"""SNOMED CT codes the FHIR bundle puts beside the record's own words.

Each row names where the code comes from and how far to trust it, as the team's compiled list
of UK vaccine codes (uk-vaccine-codes.md, shared design context) grades its sources: H = at
least one high-trust source (an NHS service that sends it, GP systems that emit it, an HL7
guide's example), M = one medium source or display not verified. Codes graded L there (test
data only) are left out: an item with no code here keeps its text only. docs/fhir-codes.md
lists the table for people.

Vaccines: the record holds the schedule's short name (`6-in-1`, `MMR`) and sometimes the dose,
never the product, so the code is the vaccination *procedure* (the UK Core
VaccinationProcedure extension, what GP systems always record), not `vaccineCode` (a dm+d
product), and the target diseases NHS England's Immunisation API groups vaccines by.
"""

from __future__ import annotations

from dataclasses import dataclass

SNOMED = "http://snomed.info/sct"

# The sources, as uk-vaccine-codes.md names them (S1-S7) and the HL7 pages for the rest.
SOURCES = {
    "S1": "NHS England Manage vaccinations in schools, app/models/vaccine.rb "
    "(nhsuk/manage-vaccinations-in-schools@7fe89e6)",
    "S2": "NHS England Record a vaccination (RAVS) design history, MenB outbreak (Apr 2026)",
    "S3": "GP Connect structured records from EMIS/TPP/Medicus test systems "
    "(nhsconnect/gpconnect-demonstrator-messages)",
    "S4": "NHS England Primary Care Domain refset PCV_COD (OpenCodelists, 20241205)",
    "S5": "NHS England Immunisation FHIR API, config/common/disease_mapping.json "
    "(NHSDigital/immunisation-fhir-api@44be4c1)",
    "S7": "Draft GP Connect immunisation guidance, not-done refset 63041000000107 "
    "(nhsconnect/gpconnect@a010ecd7), with a third-party copy of the NHS Digital ES V&I "
    "2021-22 codes",
    "IPS": "HL7 IPS 1.1.0 example AllergyIntolerance-allergyintolerance-multiple-codings "
    "(https://hl7.org/fhir/uv/ips/STU1.1/)",
    "HL7-IG": "Public FHIR implementation guides and projects using the concept with this "
    "display; not checked against a UK terminology server (hence M)",
}


@dataclass(frozen=True)
class Code:
    code: str
    display: str | None  # None where the source gives no verified display
    source: str  # a key of SOURCES
    confidence: str  # H or M

    def coding(self) -> dict[str, str]:
        coding = {"system": SNOMED, "code": self.code}
        if self.display:
            coding["display"] = self.display
        return coding


# (vaccine as the record names it, dose number or None for any dose) -> the procedure code.
# A dose with no row of its own takes the vaccine's "any dose" row, when there is one.
VACCINATION_PROCEDURES: dict[tuple[str, int | None], Code] = {
    ("6-in-1", 1): Code(
        "1082441000000108",
        "First diphtheria, tetanus and acellular pertussis, inactivated polio, "
        "Haemophilus influenzae type b and hepatitis B vaccination",
        "S3",
        "H",
    ),
    ("6-in-1", 2): Code(
        "1082451000000106",
        "Second diphtheria, tetanus and acellular pertussis, inactivated polio, "
        "Haemophilus influenzae type b and hepatitis B vaccination",
        "S3",
        "H",
    ),
    ("6-in-1", 3): Code("1082461000000109", None, "S7", "M"),
    ("5-in-1", 1): Code(
        "414259000",
        "Administration of first dose of diphtheria and Haemophilus influenza B and five "
        "component acellular pertussis and inactivated poliomyelitis and tetanus vaccine",
        "S3",
        "H",
    ),
    ("5-in-1", 2): Code(
        "310307001",
        "Administration of second dose of diphtheria and Haemophilus influenzae type b and "
        "pertussis and poliomyelitis and tetanus vaccine",
        "S3",
        "H",
    ),
    ("Rotavirus", 1): Code("868631000000102", "First rotavirus vaccination", "S3", "H"),
    ("Rotavirus", 2): Code("868651000000109", "Second rotavirus vaccination", "S3", "H"),
    ("MenB", 1): Code(
        "720539004", "Administration of first dose of meningitis B vaccine", "S2", "H"
    ),
    ("MenB", 2): Code("720540002", None, "S2", "H"),  # display not verified
    ("MenB", 3): Code("720544006", None, "S2", "H"),  # the booster; display not verified
    ("PCV", 1): Code("247631000000101", "First pneumococcal conjugated vaccination", "S4", "H"),
    ("PCV", 2): Code("247641000000105", "Second pneumococcal conjugated vaccination", "S4", "H"),
    ("PCV", 3): Code("247651000000108", "Third pneumococcal conjugated vaccination", "S4", "H"),
    ("Hib/MenC", None): Code(
        "428975001",
        "Administration of Haemophilus influenzae type b and meningitis C vaccine",
        "S3",
        "H",
    ),
    ("MMR", None): Code(
        "38598009",
        "Administration of vaccine product containing only Measles morbillivirus and Mumps "
        "orthorubulavirus and Rubella virus antigens",
        "S1",
        "H",
    ),
    ("MMR", 2): Code(
        "170433008",
        "Administration of second dose of vaccine product containing only Measles "
        "morbillivirus and Mumps orthorubulavirus and Rubella virus antigens",
        "S1",
        "H",
    ),
    ("MMRV", None): Code(
        "432636005",
        "Administration of vaccine product containing only Human alphaherpesvirus 3 and "
        "Measles morbillivirus and Mumps orthorubulavirus and Rubella virus antigens",
        "S1",
        "H",
    ),
    ("MMRV", 2): Code(
        "433733003",
        "Administration of second dose of vaccine product containing only Human "
        "alphaherpesvirus 3 and Measles morbillivirus and Mumps orthorubulavirus and Rubella "
        "virus antigens",
        "S1",
        "H",
    ),
    ("4-in-1 pre-school booster", None): Code(
        "247821000000102",
        "Booster diphtheria, tetanus, acellular pertussis and inactivated polio vaccination",
        "S5",
        "M",
    ),
    ("Td/IPV", None): Code(
        "414619005",
        "Administration of vaccine product containing only Clostridium tetani and low dose "
        "Corynebacterium diphtheriae and inactivated Human poliovirus antigens",
        "S1",
        "H",
    ),
    ("MenACWY", None): Code(
        "871874000",
        "Administration of vaccine product containing only Neisseria meningitidis serogroup "
        "A, C, W135 and Y antigens",
        "S1",
        "H",
    ),
    ("HPV", None): Code(
        "761841000",
        "Administration of vaccine product containing only Human papillomavirus antigen",
        "S1",
        "H",
    ),
    ("HPV", 1): Code(
        "428741008", "Administration of first dose of human papilloma virus vaccine", "S3", "H"
    ),
    ("Flu", None): Code("822851000000102", "Seasonal influenza vaccination", "S3", "H"),
    ("BCG", None): Code("42284007", "BCG vaccination", "S3", "H"),
    ("Hepatitis B", None): Code("16584000", "Administration of hepatitis B vaccine", "S3", "H"),
    ("Hepatitis B", 1): Code(
        "170370000", "Administration of first dose of hepatitis B vaccine", "S3", "H"
    ),
}

# Table C gives the codes with a short name, not the SNOMED CT display: displays are given only
# where they are the disease's plain name.
_POLIO = Code("398102009", None, "S5", "H")
_DIPHTHERIA = Code("397430003", None, "S5", "H")
_HIB = Code("709410003", None, "S5", "H")
_PERTUSSIS = Code("27836007", "Pertussis", "S5", "H")
_TETANUS = Code("76902006", "Tetanus", "S5", "H")
_HEP_B = Code("66071002", None, "S5", "H")
_MEASLES = Code("14189004", "Measles", "S5", "H")
_MUMPS = Code("36989005", "Mumps", "S5", "H")
_RUBELLA = Code("36653000", "Rubella", "S5", "H")
_MENINGOCOCCAL = Code("23511006", None, "S5", "H")

# The diseases each vaccine protects against (S5 Table C, production config).
TARGET_DISEASES: dict[str, tuple[Code, ...]] = {
    "6-in-1": (_POLIO, _DIPHTHERIA, _HIB, _PERTUSSIS, _TETANUS, _HEP_B),
    "4-in-1 pre-school booster": (_POLIO, _DIPHTHERIA, _PERTUSSIS, _TETANUS),
    "Td/IPV": (_POLIO, _DIPHTHERIA, _TETANUS),
    "MMR": (_MEASLES, _MUMPS, _RUBELLA),
    "MMRV": (_MEASLES, _MUMPS, _RUBELLA, Code("38907003", "Varicella", "S5", "H")),
    "MenB": (Code("1354584007", None, "S5", "H"),),
    "MenACWY": (_MENINGOCOCCAL,),
    "Hib/MenC": (_HIB, _MENINGOCOCCAL),
    "PCV": (Code("16814004", None, "S5", "H"),),
    "Rotavirus": (Code("186150001", None, "S5", "H"),),
    "HPV": (Code("240532009", None, "S5", "H"),),
    "Flu": (Code("6142004", "Influenza", "S5", "H"),),
    "BCG": (Code("56717001", "Tuberculosis", "S5", "H"),),
    "Hepatitis B": (_HEP_B,),
}

# Allergy substances (lower case, as the record words them) -> AllergyIntolerance.code.
ALLERGIES: dict[str, Code] = {
    "penicillin": Code("764146007", "Penicillin", "IPS", "H"),
    "peanut": Code("91935009", "Allergy to peanut", "HL7-IG", "M"),
}

# Conditions (lower case, as the record words them) -> Condition.code.
CONDITIONS: dict[str, Code] = {
    "asthma": Code("195967001", "Asthma", "HL7-IG", "M"),
    "eczema": Code("43116000", "Eczema", "HL7-IG", "M"),
    "attention deficit hyperactivity disorder (adhd)": Code(
        "406506008", "Attention deficit hyperactivity disorder", "HL7-IG", "M"
    ),
    "migraine": Code("37796009", "Migraine", "HL7-IG", "M"),
    "peanut allergy": Code("91935009", "Allergy to peanut", "HL7-IG", "M"),
    "penicillin allergy": Code("91936005", "Allergy to penicillin", "IPS", "H"),
}

# A screening test's result (`screening[].result`) as a SNOMED CT qualifier value.
RESULTS: dict[str, Code] = {
    "negative": Code("260385009", "Negative", "HL7-IG", "M"),
    "positive": Code("10828004", "Positive", "HL7-IG", "M"),
    "indeterminate": Code("82334004", "Indeterminate", "HL7-IG", "M"),
}


def vaccination_procedure(vaccine: str, dose: int | None) -> Code | None:
    """The procedure code for this dose of this vaccine, or None when the table has none."""
    return VACCINATION_PROCEDURES.get((vaccine, dose)) or VACCINATION_PROCEDURES.get(
        (vaccine, None)
    )


def concept_for(words: str, table: dict[str, Code]) -> dict[str, object]:
    """A CodeableConcept: the record's own words, and the SNOMED CT coding when the table has
    one for them."""
    code = table.get(" ".join(words.split()).lower())
    concept: dict[str, object] = {"text": words}
    if code:
        concept = {"coding": [code.coding()], "text": words}
    return concept
