"""The engine: finds who has become eligible for each qualification type and issues
(or holds for approval, or renews inside the renewal window); records outside
credentials (the 保安员证) as qualifications once verified. Running it twice changes
nothing; two runs at once make one record each (the constraint)."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy

from lms.certs import rules
from lms.certs.constants import CURRENT, Status
from lms.certs.facts import facts_for
from lms.certs.models import QualificationRecord, QualificationType
from lms.certs.services.issuing import record_issue, records_expire, system_reason
from lms.core.events import records_changed_announce
from lms.people.constants import PersonStatus
from lms.people.models import ExternalCredential, Person

CHUNK = 500


@dataclass
class Report:
    issued: list = field(default_factory=list)
    renewed: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    expired: int = 0
    revoked: int = 0

    def __str__(self):
        return (
            f"issued {len(self.issued)}, renewed {len(self.renewed)}, "
            f"awaiting approval {len(self.pending)}, expired {self.expired}, "
            f"revoked {self.revoked}"
        )


def _types(codes=None):
    types = QualificationType.objects.filter(is_active=True).prefetch_related(
        "requirements"
    )
    if codes:
        types = types.filter(code__in=codes)
    # Types that require other types come after them, so one run issues a chain.
    types = list(types)
    order = {t.pk: 0 for t in types}
    for _ in types:
        for t in types:
            for r in t.requirements.all():
                if r.other_type_id in order:
                    order[t.pk] = max(order[t.pk], order[r.other_type_id] + 1)
    return sorted(types, key=lambda t: (order[t.pk], t.sort_order, t.code))


def _candidates(person_ids=None):
    people = Person.objects.filter(status=PersonStatus.ACTIVE)
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    return people.order_by("pk").values_list("pk", flat=True)


def _renewable(current, qtype, day):
    if current.status != Status.ACTIVE or current.valid_until is None:
        return False
    return (current.valid_until - day).days <= qtype.renewal_window_days


def _issue_for(qtype, person_id, facts, day, report):
    own = [r for r in facts.records if r.type_id == qtype.pk]
    current = next((r for r in own if r.status in CURRENT), None)
    if current is not None and not _renewable(current, qtype, day):
        return
    if current is not None and qtype.requires_approval:
        # A renewal waiting for approval would take the valid record away; such
        # types are issued again (for approval) once the record has ended.
        return
    # A renewal needs results newer than the record it renews; after a
    # revocation, results newer than the revocation.
    since = [current.valid_from] if current is not None else []
    since += [r.changed_on for r in own if r.status == Status.REVOKED and r.changed_on]
    outcome = rules.evaluate(
        [rules.Rule.of(r) for r in qtype.requirements.all()],
        facts.fresh_since(max(since) if since else None),
        day,
    )
    if not outcome.met:
        return
    renews = None
    if current is not None:
        renews = QualificationRecord.objects.get(pk=current.id)
    record = record_issue(
        person=Person(pk=person_id),
        qtype=qtype,
        day=day,
        evidence=outcome.evidence,
        renews=renews,
    )
    if record is None:
        return
    facts.records.append(
        rules.Held(
            qtype.pk, record.status, record.valid_from, record.valid_until, record.pk
        )
    )
    if renews is not None:
        report.renewed.append(record)
    elif record.status == Status.PENDING:
        report.pending.append(record)
    else:
        report.issued.append(record)


def _record_external(qtype, person_ids, day, report):
    """A verified, unvoided credential of the type's kind becomes an active record
    valid until the credential's expiry; a credential voided since revokes it."""
    voided = QualificationRecord.objects.filter(
        qualification_type=qtype,
        status__in=(Status.ACTIVE, Status.SUSPENDED),
        external_credential__voided_at__isnull=False,
    )
    if person_ids is not None:
        voided = voided.filter(person_id__in=person_ids)
    # A bulk update sends no model signal: its people are announced.
    holders = list(voided.values_list("person_id", flat=True))
    if holders:
        records_changed_announce(sender="certs", person_ids=holders)
    report.revoked += voided.update(
        status=Status.REVOKED,
        status_changed_at=timezone.now(),
        status_reason=system_reason(gettext_lazy("The outside credential was voided.")),
    )
    credentials = ExternalCredential.objects.filter(
        kind=qtype.credential_kind,
        verified_at__isnull=False,
        voided_at__isnull=True,
        person__status=PersonStatus.ACTIVE,
    ).exclude(qualifications__qualification_type=qtype)
    if person_ids is not None:
        credentials = credentials.filter(person_id__in=person_ids)
    for credential in credentials.select_related("person", "verified_by"):
        if credential.expires_on is not None and credential.expires_on < day:
            continue
        record = record_issue(
            person=credential.person,
            qtype=qtype,
            day=credential.issued_on,
            evidence=[{"kind": "external", "credential": credential.pk}],
            actor=credential.verified_by,
            valid_until=credential.expires_on,
            credential=credential,
        )
        if record is not None:
            report.issued.append(record)


def qualifications_issue(*, day=None, codes=None, person_ids=None):
    """Expire what ended, then issue and renew what the rules now allow."""
    day = day or timezone.localdate()
    # Expiry is the nightly run's work; a run for a few people (after a pass) reads
    # validity by date and does not need it.
    report = Report(expired=records_expire(day) if person_ids is None else 0)
    types = _types(codes)
    for qtype in types:
        if qtype.is_external:
            _record_external(qtype, person_ids, day, report)
    issued = [t for t in types if not t.is_external and t.requirements.all()]
    if not issued:
        return report
    ids = list(_candidates(person_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        facts = facts_for(chunk)
        for qtype in issued:
            for person_id in chunk:
                _issue_for(qtype, person_id, facts[person_id], day, report)
    return report
