"""Anonymise people for a copy of production (PIPL): names, phones, ID numbers,
photos and login names are replaced, activation codes deleted; organisations and
teams are kept, so the copy still behaves like the real thing."""

import random

from django.db import transaction

from lms.people import idnumber
from lms.people.models import ActivationCode, Person, User


@transaction.atomic
def people_anonymise(*, seed=0):
    rng = random.Random(seed)  # noqa: S311 - not for security: fake data
    for person in Person.objects.select_for_update().order_by("pk"):
        person.name = f"学员{person.pk}"
        person.phone = f"190{person.pk:08d}"[:11]
        person.id_number_hash = None  # force the setter to write a new number
        person.id_number = idnumber.synthetic(rng=rng, birth_date=person.birth_date)
        person.photo = ""
        person.save()
    for user in User.objects.filter(is_superuser=False).order_by("pk"):
        user.username = f"user{user.pk}"
        user.first_name = user.last_name = ""
        user.email = ""
        user.phone = f"191{user.pk:08d}"[:11]
        user.set_unusable_password()
        user.save()
    # The codes would activate the renamed logins; the copy has no one to hand
    # them to.
    ActivationCode.objects.all().delete()
