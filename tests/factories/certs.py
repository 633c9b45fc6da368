from datetime import timedelta

import factory
from django.utils import timezone

from lms.certs.constants import Category, RequirementKind, Status
from lms.certs.models import Post, QualificationRecord, QualificationType, Requirement
from lms.certs.services.issuing import new_code, valid_until_for


class QualificationTypeFactory(factory.django.DjangoModelFactory):
    """An issued type valid for 12 months, with no rules (add RequirementFactory)."""

    class Meta:
        model = QualificationType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Q{n:03d}")
    name = factory.Sequence(lambda n: f"资格{n}")
    category = Category.DUTY
    validity_months = 12


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    qualification_type = factory.SubFactory(QualificationTypeFactory)
    kind = RequirementKind.DRILL_ATTENDED
    drill_type = "fire"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"岗位{n}")

    @factory.post_generation
    def required_types(self, create, extracted, **kwargs):
        # A ParentalManyToManyField is written to the database by save().
        if create and extracted:
            self.required_types.set(extracted)
            self.save()


class QualificationRecordFactory(factory.django.DjangoModelFactory):
    """An active record issued today (``days_ago`` moves its dates back)."""

    class Meta:
        model = QualificationRecord
        exclude = ("days_ago",)

    days_ago = 0
    serial = factory.Sequence(lambda n: f"SW-2026-{n + 900000:06d}")
    code = factory.LazyFunction(new_code)
    person = factory.SubFactory("tests.factories.people.PersonFactory")
    qualification_type = factory.SubFactory(QualificationTypeFactory)
    status = Status.ACTIVE
    issued_on = factory.LazyAttribute(
        lambda r: timezone.localdate() - timedelta(days=r.days_ago)
    )
    valid_from = factory.SelfAttribute("issued_on")
    valid_until = factory.LazyAttribute(
        lambda r: valid_until_for(r.qualification_type, r.issued_on)
    )
