import pytest
from django.core.management import CommandError, call_command

from lms.people import idnumber
from lms.people.models import Person
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_anonymise_replaces_personal_data_and_keeps_it_valid():
    person = PersonFactory(name="真名", phone="13812345678")
    old_id = person.id_number
    with pytest.raises(CommandError):
        call_command("anonymise_people")
    call_command("anonymise_people", "--force")
    person = Person.objects.get(pk=person.pk)
    assert person.name == f"学员{person.pk}"
    assert person.phone != "13812345678"
    assert person.id_number != old_id
    idnumber.parse(person.id_number)
