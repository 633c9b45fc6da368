"""Reads of qualification records for the trainee's pages, reminders and digests."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lms.certs.constants import CURRENT, RequirementKind, Source, Status
from lms.certs.models import QualificationRecord, Reminder
from lms.people.selectors import people_visible_to, user_person


def records_visible_to(user):
    """Records a signed-in user may open (record page, certificate, signed
    credential): their own, and with certs.view_qualificationrecord those of the
    people they may see. Anything else answers 404, as a missing serial does."""
    records = QualificationRecord.objects.all()
    if not user.is_authenticated:
        return records.none()
    person = user_person(user)
    scope = Q(person=person) if person is not None else Q(pk__in=[])
    if user.has_perm("certs.view_qualificationrecord"):
        scope |= Q(person__in=people_visible_to(user).values("pk"))
    return records.filter(scope)


def evidence_items(record):
    """What met each rule of ``record``, for staff to read: the kind of rule in
    words, with the day, score or hours it was met by. The stored evidence names
    rows by id for the audit, which means nothing to a reader."""
    items = []
    for found in (record.evidence or {}).get("requirements", []):
        kind = found.get("kind", "")
        items.append(
            {
                "label": RequirementKind(kind).label
                if kind in RequirementKind.values
                else kind,
                "on": found.get("on", ""),
                "percent": found.get("percent", ""),
                "hours": found.get("hours", ""),
            }
        )
    return items


def records_of(person):
    """Every record of the person, newest first, with what the list shows."""
    return (
        QualificationRecord.objects.filter(person=person)
        .select_related("qualification_type", "issued_by", "renews")
        .order_by("qualification_type__sort_order", "-issued_on", "-pk")
    )


def overdue_renewals(organisation_ids, day=None):
    """Records that ended (expired, or active past their last day) whose holder has
    no current record of the same type: renewals that are overdue."""
    day = day or timezone.localdate()
    newer = QualificationRecord.objects.filter(
        person=OuterRef("person"),
        qualification_type=OuterRef("qualification_type"),
        status__in=CURRENT,
        pk__gt=OuterRef("pk"),
    )
    ended = Q(status=Status.EXPIRED) | Q(status=Status.ACTIVE, valid_until__lt=day)
    records = (
        QualificationRecord.objects.filter(
            ended, person__organisation_id__in=organisation_ids
        )
        .exclude(Exists(newer))
        .exclude(renewed_by__isnull=False)
        .select_related("person__organisation", "qualification_type")
        .order_by("valid_until", "person__name")
    )
    # Only the newest ended record of each person and type.
    latest = {}
    for record in records:
        key = (record.person_id, record.qualification_type_id)
        if key not in latest or record.pk > latest[key].pk:
            latest[key] = record
    return sorted(latest.values(), key=lambda r: (r.valid_until, r.person.name))


class MyQualifications(list):
    """The trainee's home section: current records as items, unread reminders."""

    summary_template = "certs/includes/my_qualifications_summary.html"

    def __init__(self, items, reminders):
        super().__init__(items)
        self.reminders = reminders


class MyQualificationItem:
    template = "certs/includes/my_qualification_item.html"

    def __init__(self, record, day):
        self.record = record
        self.verdict = record.verdict_on(day)

    def __str__(self):
        return str(self.record)


def qualifications_for(person, day=None):
    """Records that are current (or ended and not renewed) for the home page, and
    those with an unread expiry reminder: one query."""
    if person is None:
        return MyQualifications([], [])
    day = day or timezone.localdate()
    unread = Reminder.objects.filter(record=OuterRef("pk"), read_at__isnull=True)
    latest = {}
    for record in records_of(person).annotate(unread=Exists(unread)):
        if record.status != Status.SUPERSEDED:  # newest first: one per type
            latest.setdefault(record.qualification_type_id, record)
    items = [MyQualificationItem(r, day) for r in latest.values()]
    return MyQualifications(items, [r for r in latest.values() if r.unread])


def progress_toward(person, day=None):
    """For each type issued here that the person does not hold: what is still
    missing (the engine's unmet requirements)."""
    from lms.certs import rules
    from lms.certs.facts import facts_for
    from lms.certs.models import QualificationType

    day = day or timezone.localdate()
    facts = facts_for([person.pk])[person.pk]
    held = {r.type_id for r in facts.records if r.status in CURRENT}
    result = []
    for qtype in QualificationType.objects.filter(
        is_active=True, source=Source.ISSUED
    ).prefetch_related(
        "requirements__course", "requirements__quiz", "requirements__other_type"
    ):
        if qtype.pk in held or not qtype.requirements.all():
            continue
        requirements = list(qtype.requirements.all())
        outcome = rules.evaluate([rules.Rule.of(r) for r in requirements], facts, day)
        by_id = {r.pk: r for r in requirements}
        result.append(
            {
                "type": qtype,
                "met": outcome.met,
                "missing": [by_id[rule.id] for rule in outcome.missing],
            }
        )
    return result


class DirectoryRecord:
    """A record in the people directory, linked to its page."""

    template = "certs/includes/directory_record.html"

    def __init__(self, record, day):
        self.record = record
        self.verdict = record.verdict_on(day)


def directory_records(*, user, people, day=None):
    """{person pk: [DirectoryRecord]} of the listed people's records the user may
    open, all but the superseded ones: one query for the page."""
    day = day or timezone.localdate()
    found = {}
    records = (
        records_visible_to(user)
        .filter(person__in=[p.pk for p in people])
        .exclude(status=Status.SUPERSEDED)
        .select_related("qualification_type")
        .order_by("qualification_type__sort_order", "-issued_on", "-pk")
    )
    for record in records:
        found.setdefault(record.person_id, []).append(DirectoryRecord(record, day))
    return found


def qualifications_from_courses(*, person, course_ids):
    """What completed courses count toward, for the trainee's "what you earned":
    ``held``, the person's current records of types that require one of the
    courses, and ``toward``, such types they do not hold yet (other requirements
    are still missing, or the engine has not run yet). Two queries; none for no
    course."""
    from lms.certs.constants import RequirementKind
    from lms.certs.models import QualificationType

    if person is None or not course_ids:
        return {"held": [], "toward": []}
    types = list(
        QualificationType.objects.filter(
            is_active=True,
            requirements__kind=RequirementKind.COURSE_COMPLETED,
            requirements__course_id__in=list(course_ids),
        )
        .distinct()
        .order_by("sort_order", "name")
    )
    held = list(
        QualificationRecord.objects.filter(
            person=person, qualification_type__in=types, status__in=CURRENT
        )
        .select_related("qualification_type")
        .order_by("qualification_type__sort_order", "-issued_on")
    )
    held_types = {record.qualification_type_id for record in held}
    return {
        "held": held,
        "toward": [qtype for qtype in types if qtype.pk not in held_types],
    }
