import datetime
import io
import random

import factory

from lms.people import idnumber
from lms.people.constants import CredentialKind, OrganisationKind, PersonKind
from lms.people.models import ExternalCredential, Organisation, Person, Team, User
from lms.people.services.roles import role_group

PASSWORD = "correct-horse-9"
_rng = random.Random(42)


def synthetic_id():
    return idnumber.synthetic(rng=_rng)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[role_group(role) for role in extracted])
        if create:
            self.save()


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"PCS-{n}")
    name = factory.Sequence(lambda n: f"第{n}派出所")
    kind = OrganisationKind.POLICE_STATION


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG-{n}")
    name = factory.Sequence(lambda n: f"保安公司{n}")
    kind = OrganisationKind.SECURITY_COMPANY
    supervising_station = factory.SubFactory(StationFactory)


class PointFactory(OrganisationFactory):
    kind = OrganisationKind.CO_GOVERNANCE_POINT
    point_category = "A"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"{n}队")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"学员{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = factory.LazyFunction(synthetic_id)
    kind = PersonKind.GUARD
    organisation = factory.SubFactory(OrganisationFactory)


class ExternalCredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalCredential

    person = factory.SubFactory(PersonFactory)
    kind = CredentialKind.SECURITY_GUARD_CERTIFICATE
    number = factory.Sequence(lambda n: f"粤深保{n:08d}")
    issuing_authority = "深圳市公安局"
    issued_on = datetime.date(2024, 3, 1)


def person_with_role(role, *, organisation=None, username=None, **person_kwargs):
    """A user with a role and a profile in ``organisation``."""
    roles = [role] if role else []
    user_kwargs = {"username": username} if username else {}
    user = UserFactory(roles=roles, **user_kwargs)
    if organisation is None:
        organisation = OrganisationFactory()
    person = PersonFactory(user=user, organisation=organisation, **person_kwargs)
    return person


def photo_bytes(image_format="PNG", size=(30, 40)):
    """A small image file's bytes, for ID photos."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, format=image_format)
    return out.getvalue()
