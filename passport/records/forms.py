"""The nurse's forms. Each one turns what was typed into a piece of lac-health-record/2, which
then goes through the same checks as an import (`service.check_record`), so the web can never
save what the exchange format would refuse.

Field names follow the format's paths (`findings_summary` is `findings.summary`), so an error
the format's checks find at `assessments[7].findings.summary` lands on the right field.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from passport.records import workflow
from passport.records.schemas import (
    CONSENT_SHARE_WITH,
    SOURCES,
    AssessmentSchema,
    ImmunisationSchema,
    InformationRequestSchema,
    PlanActionSchema,
    SdqSchema,
    choices_of,
)
from passport.web.fields import (
    DatePartsField,
    MultiCheckboxField,
    WholeNumberField,
    decimal_or_none,
    required,
)

LABELS = {
    "gp": "GP",
    "camhs": "CAMHS",
    "carer": "Carer",
    "social_worker": "Social worker",
    "school_nurse": "School nurse",
    "dentist": "Dentist",
    "health_visitor": "Health visitor",
    "young_person": "The young person",
    "birth_parent": "Birth parent",
    "previous_authority": "Previous local authority",
    "hospital": "Hospital",
    "lac_nurse": "LAC nurse",
    "other": "Other",
    "gp_record": "GP record",
    "red_book": "Red book",
    "country_of_origin_record": "Record from their country of origin",
    "self_report": "What they told us",
    "tb": "TB",
    "hiv": "HIV",
    "hepatitis_b": "Hepatitis B",
    "hepatitis_c": "Hepatitis C",
    "section_20": "Section 20 (accommodated with parental agreement)",
    "asked": "Asked, no answer yet",
    "not_traced": "The relative could not be traced",
    "not_asked": "Not asked yet",
    "emergency_attendance": "A&E attendance",
    "operation": "Operation",
    "admission": "Admission",
    "self_harm": "Self-harm",
    "registering_with_a_gp": "Registering with a GP",
    "help_with_nhs_costs": "Help with NHS costs",
}


def words(value: str) -> str:
    return LABELS.get(value, value.replace("_", " ").capitalize())


def choices(*values: str) -> list[tuple[str, str]]:
    return [(v, words(v)) for v in values]


class VersionedForm(FlaskForm):
    """Every edit says which version it started from, so a second save cannot overwrite."""

    version = HiddenField()


class ChangeForm(VersionedForm):
    """A form that changes or ends what is already recorded asks why; the reason is kept with
    the new version and shown in the record's history."""

    change_reason = TextAreaField(
        "Why are you making this change?",
        description="For example, the GP letter of 3 March says the dose went up",
        validators=[required("Enter why you are making this change")],
    )


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", []):
        target[key] = value


def _text(field: Field) -> str | None:
    value = (field.data or "").strip() if isinstance(field.data, str) else field.data
    return value or None


# --- assessments ------------------------------------------------------------------------------

PLAN_ROWS = 3
OWNERS = choices_of(PlanActionSchema, "owner")


class AssessmentForm(VersionedForm):
    type = RadioField(
        "Type of assessment",
        choices=[
            ("IHA", "Initial health assessment (IHA)"),
            ("RHA", "Review health assessment (RHA)"),
        ],
        validators=[required("Select the type of assessment")],
    )
    date = DatePartsField(
        "Date of the assessment", validators=[required("Enter the date of the assessment")]
    )
    setting = SelectField(
        "Where it took place",
        choices=[("", "Not recorded")] + choices(*choices_of(AssessmentSchema, "setting")),
        validators=[Optional()],
    )

    practitioner_name = StringField(
        "Name", validators=[required("Enter the name of the person who did the assessment")]
    )
    practitioner_role = StringField(
        "Role", validators=[required("Enter their role, for example Specialist LAC nurse")]
    )
    practitioner_grade = StringField("Grade", validators=[Optional()])
    practitioner_registration_body = RadioField(
        "Professional register",
        choices=[
            ("GMC", "GMC (doctor)"),
            ("NMC", "NMC (nurse or midwife)"),
            ("HCPC", "HCPC (other health professional)"),
            ("other", "Another register"),
        ],
        validators=[required("Select the register they are on")],
    )
    practitioner_registration_number = StringField("Registration number", validators=[Optional()])

    consent_status = RadioField(
        "Consent to the assessment and to sharing it",
        choices=[
            ("given", "Given"),
            ("partial", "Given in part"),
            ("declined", "Declined"),
            ("not_recorded", "Not recorded"),
        ],
        validators=[required("Select whether consent was given")],
    )
    consent_by = RadioField(
        "Who gave or refused consent",
        choices=[
            ("young_person", "The young person"),
            ("parent", "A parent with parental responsibility"),
            ("local_authority", "The local authority"),
        ],
        validators=[Optional()],
    )
    consent_to_share_with = MultiCheckboxField(
        "Agreed to share with", choices=choices(*CONSENT_SHARE_WITH)
    )
    consent_notes = TextAreaField("Notes about consent", validators=[Optional()])

    sources_consulted = MultiCheckboxField(
        "Who was asked for information before the assessment", choices=choices(*SOURCES)
    )
    young_person_views = TextAreaField(
        "What the young person said, in their own words", validators=[Optional()]
    )

    findings_height_cm = StringField("Height (cm)", validators=[Optional()])
    findings_weight_kg = StringField("Weight (kg)", validators=[Optional()])
    findings_vision = TextAreaField("Vision", validators=[Optional()])
    findings_hearing = TextAreaField("Hearing", validators=[Optional()])
    findings_development = TextAreaField("Development", validators=[Optional()])
    findings_emotional_wellbeing = TextAreaField("Emotional wellbeing", validators=[Optional()])
    findings_summary = TextAreaField(
        "Summary of findings", validators=[required("Enter a summary of what was found")]
    )

    sdq_total = WholeNumberField("SDQ total difficulties score (0 to 40)", validators=[Optional()])
    sdq_completed_by = SelectField(
        "SDQ completed by",
        choices=[("", "Not recorded")] + choices(*choices_of(SdqSchema, "completed_by")),
        validators=[Optional()],
    )

    def plan_rows(self) -> list[tuple[Field, Field, Field]]:
        return [
            (
                self[f"health_plan_{i}_action"],
                self[f"health_plan_{i}_owner"],
                self[f"health_plan_{i}_due"],
            )
            for i in range(PLAN_ROWS)
        ]

    def to_item(self, assessment_id: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": assessment_id,
            "type": self.type.data,
            "date": self.date.data.isoformat() if self.date.data else None,
        }
        _put(item, "setting", self.setting.data or None)
        practitioner: dict[str, Any] = {}
        for key in ("name", "role", "grade", "registration_body", "registration_number"):
            _put(practitioner, key, _text(self[f"practitioner_{key}"]))
        body = practitioner.get("registration_body")
        number = str(practitioner.get("registration_number") or "")
        registration = number if body == "other" else f"{body} {number}"
        if number and len(registration) <= 40:
            # The /1 field too, as /1 readers know it: "GMC 7012345".
            practitioner["registration"] = registration
        item["practitioner"] = practitioner
        consent: dict[str, Any] = {"status": self.consent_status.data}
        _put(consent, "by", self.consent_by.data or None)
        _put(consent, "recorded_on", item["date"])
        _put(consent, "to_share_with", self.consent_to_share_with.data)
        _put(consent, "notes", _text(self.consent_notes))
        item["consent"] = consent
        _put(item, "sources_consulted", self.sources_consulted.data)
        _put(item, "young_person_views", _text(self.young_person_views))
        findings: dict[str, Any] = {}
        _put(findings, "height_cm", decimal_or_none(self.findings_height_cm, "Height"))
        _put(findings, "weight_kg", decimal_or_none(self.findings_weight_kg, "Weight"))
        for key in ("vision", "hearing", "development", "emotional_wellbeing", "summary"):
            _put(findings, key, _text(self[f"findings_{key}"]))
        if findings:
            item["findings"] = findings
        if self.sdq_total.data is not None:
            sdq: dict[str, Any] = {"total": self.sdq_total.data, "date": item["date"]}
            _put(sdq, "completed_by", self.sdq_completed_by.data or None)
            item["sdq"] = sdq
        plan = []
        for action, owner, due in self.plan_rows():
            if _text(action):
                row: dict[str, Any] = {
                    "action": _text(action),
                    "owner": owner.data or "other",
                    "status": "open",
                }
                _put(row, "due", due.data.isoformat() if due.data else None)
                plan.append(row)
        _put(item, "health_plan", plan)
        return {k: v for k, v in item.items() if v is not None}


for _i in range(PLAN_ROWS):
    setattr(
        AssessmentForm,
        f"health_plan_{_i}_action",
        StringField(f"Action {_i + 1}", validators=[Optional()]),
    )
    setattr(
        AssessmentForm,
        f"health_plan_{_i}_owner",
        SelectField(
            f"Who will do action {_i + 1}", choices=choices(*OWNERS), validators=[Optional()]
        ),
    )
    setattr(
        AssessmentForm,
        f"health_plan_{_i}_due",
        DatePartsField(f"Action {_i + 1} due by", validators=[Optional()]),
    )


# --- information requests -----------------------------------------------------------------


class InformationRequestForm(VersionedForm):
    to = RadioField(
        "Who was asked",
        choices=choices(*choices_of(InformationRequestSchema, "to")),
        validators=[required("Select who was asked for information")],
    )
    for_assessment = SelectField("For which assessment", choices=[], validators=[Optional()])
    sent_on = DatePartsField("Date sent", validators=[required("Enter the date it was sent")])
    summary = TextAreaField("What was asked", validators=[Optional()])

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "to": self.to.data,
            "sent_on": self.sent_on.data.isoformat() if self.sent_on.data else None,
        }
        _put(item, "for_assessment", self.for_assessment.data or None)
        _put(item, "summary", _text(self.summary))
        return {k: v for k, v in item.items() if v is not None}


class AnswerForm(VersionedForm):
    received_on = DatePartsField(
        "Date the answer came", validators=[required("Enter the date the answer came")]
    )
    summary = TextAreaField(
        "What they said", validators=[required("Enter a summary of the answer")]
    )


class ChaseForm(VersionedForm):
    """Chasing an information request: a button, with the version the page showed."""


# Dental checks and sight tests: the record keeps a list of dates for each.
CHECKS = {
    "dental": ("dental_checks", "Add a dental check", "Dental check added", "Date of the check"),
    "optical": ("optical_checks", "Add a sight test", "Sight test added", "Date of the test"),
}


class CheckDateForm(VersionedForm):
    on = DatePartsField("Date of the check", validators=[required("Enter the date of the check")])


class StopMedicineForm(VersionedForm):
    """Stopping a medicine: when, and why (a change that ends something always says why)."""

    stopped = DatePartsField("Date stopped", validators=[required("Enter the date it stopped")])
    stop_reason = TextAreaField(
        "Why it was stopped",
        validators=[required("Enter why it was stopped, for example: course finished")],
    )


class AllergyStatusForm(VersionedForm):
    """An allergy that has gone, or never was: which, when, who decided and why."""

    status = RadioField(
        "What has changed",
        choices=[
            ("resolved", "It has gone: they are not allergic any more (resolved)"),
            ("refuted", "It never was an allergy: ruled out, for example by allergy testing"),
        ],
        validators=[required("Select what has changed")],
    )
    status_on = DatePartsField("Date", validators=[required("Enter the date")])
    status_by = StringField("Who decided", validators=[required("Enter who decided")])
    status_reason = TextAreaField(
        "Why", validators=[required("Enter why, for example: negative oral challenge test")]
    )


class NotGivenForm(VersionedForm):
    """A vaccine not given: declined or contraindicated, when it was decided, why and by whom.
    A decision, not a gap: the rules no longer call that dose due (format /2)."""

    vaccine = SelectField("Vaccine", validators=[required("Select the vaccine")])
    dose = WholeNumberField("Dose number", validators=[Optional()])
    date = DatePartsField(
        "Date of the decision", validators=[required("Enter the date of the decision")]
    )
    status = RadioField(
        "Why was it not given?",
        choices=[
            ("declined", "Declined: the young person, or a parent or carer, said no"),
            ("contraindicated", "Contraindicated: a clinician decided it must not be given"),
        ],
        validators=[required("Select whether it was declined or contraindicated")],
    )
    # DataRequired: a reason of spaces only is no reason.
    status_reason = TextAreaField(
        "Reason", validators=[DataRequired("Enter the reason, for example: parent's wish")]
    )
    status_by = StringField(
        "Who decided",
        validators=[DataRequired("Enter who decided, for example: Dr A Example, GP")],
    )
    source = RadioField(
        "Where this decision is recorded",
        choices=choices(*choices_of(ImmunisationSchema, "source")),
        validators=[Optional()],
    )


class InviteForm(FlaskForm):
    role = RadioField(
        "Who to invite",
        choices=[
            ("leaver", "The young person (they see their own record)"),
            ("carer", "Their current carer (they see the placement health sheet)"),
        ],
        validators=[required("Select who to invite")],
    )
    email = StringField("Their email address", validators=[required("Enter their email address")])


class ImportForm(FlaskForm):
    file = FileField("Upload a lac-health-record file (JSON, version 1 or 2)")
    replace = BooleanField("Add this as a new version of a record already here")


# --- corrections the young person asked for ----------------------------------------------------


class CorrectionAnswerForm(FlaskForm):
    """The nurse's answer to a correction request: accept it (and say which part of the record
    it is about, to go and change it there) or decline it, saying why. The young person reads
    the answer on their own page."""

    decision = RadioField(
        "What will you do?",
        choices=[
            ("accept", "Accept it: the record is wrong and I will put it right"),
            ("decline", "Decline it: the record stays as it is"),
        ],
        validators=[required("Select whether you accept or decline the request")],
    )
    section = SelectField(
        "Which part of the record is it about?",
        choices=[("", "Choose a part of the record"), *workflow.CORRECTION_SECTIONS.items()],
        validators=[Optional()],
    )
    # Filled in by the view with every entry of the record: the one to change opens next,
    # prefilled, with the request as the reason for the change.
    entry = SelectField(
        "Which entry needs changing?",
        choices=[("", "Not one entry: take me to that part of the record")],
        validators=[Optional()],
    )
    answer = TextAreaField(
        "Your answer to the young person",
        description="They will read this on their page. Use plain words.",
        validators=[
            Optional(),
            Length(max=2000, message="Keep the answer to 2000 characters or fewer"),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.decision.data == "accept":
            if not self.section.data and not self.entry.data:
                self.section.errors = [
                    *self.section.errors,
                    "Select the entry or the part of the record it is about",
                ]
                valid = False
            if not (self.answer.data or "").strip():
                self.answer.errors = [
                    *self.answer.errors,
                    "Enter a short answer to the young person, for example: Thank you, "
                    "I have changed it",
                ]
                valid = False
        elif self.decision.data == "decline" and not (self.answer.data or "").strip():
            self.answer.errors = [
                *self.answer.errors,
                "Enter why you are declining the request: the young person will read it",
            ]
            valid = False
        return valid
