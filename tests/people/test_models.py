import datetime

import pytest
from django.db import IntegrityError, connection

from lms.people import crypto
from lms.people.constants import Gender
from lms.people.models import Person
from tests.factories import PersonFactory

ID = "11010519491231002X"


@pytest.mark.django_db
def test_id_number_is_stored_encrypted_with_a_keyed_hash():
    person = PersonFactory(id_number=ID)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, id_number_hash, id_number_last4 "
            "FROM people_person WHERE id = %s",
            [person.pk],
        )
        encrypted, digest, last4 = cursor.fetchone()
    assert ID not in encrypted
    assert ID not in digest
    assert last4 == "002X"
    assert Person.objects.get(pk=person.pk).id_number == ID
    assert Person.objects.filter(id_number_hash=crypto.keyed_hash(ID)).exists()


@pytest.mark.django_db
def test_gender_and_birth_date_come_from_the_id_number():
    person = PersonFactory(id_number=ID)
    assert person.birth_date == datetime.date(1949, 12, 31)
    assert person.gender == Gender.FEMALE
    assert person.id_number_masked.endswith("002X")


@pytest.mark.django_db
def test_setting_the_same_number_again_changes_nothing():
    person = PersonFactory(id_number=ID)
    before = person.id_number_encrypted
    person.id_number = ID.lower()
    assert person.id_number_encrypted == before


@pytest.mark.django_db(transaction=True)
def test_two_people_cannot_share_an_id_number():
    PersonFactory(id_number=ID)
    with pytest.raises(IntegrityError):
        PersonFactory(id_number=ID)


@pytest.mark.django_db
def test_an_old_key_still_decrypts_after_rotation(settings):
    person = PersonFactory(id_number=ID)
    old_key = settings.PII_ENCRYPTION_KEYS[0]
    settings.PII_ENCRYPTION_KEYS = [
        "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE=",
        old_key,
    ]
    crypto.reset_caches()
    try:
        assert Person.objects.get(pk=person.pk).id_number == ID
    finally:
        settings.PII_ENCRYPTION_KEYS = [old_key]
        crypto.reset_caches()
