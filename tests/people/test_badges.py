import pytest
from django.core.exceptions import PermissionDenied

from lms.people.constants import AuditAction, Role
from lms.people.services.badges import badge_reset, badge_token, person_from_badge_token
from tests.factories import PersonFactory, UserFactory, person_with_role


@pytest.mark.django_db
def test_a_badge_names_its_person():
    person = PersonFactory()
    assert person_from_badge_token(badge_token(person)) == person


@pytest.mark.django_db
def test_forged_or_altered_badges_name_nobody():
    person = PersonFactory()
    token = badge_token(person)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert person_from_badge_token(altered) is None
    assert person_from_badge_token("SWB1:" + person.badge_key) is None
    assert person_from_badge_token(str(person.pk)) is None
    assert person_from_badge_token("") is None


@pytest.mark.django_db
def test_resetting_a_badge_revokes_the_old_one_and_is_logged():
    from wagtail.models import ModelLogEntry

    person = PersonFactory()
    old = badge_token(person)
    actor = person_with_role(Role.ORG_ADMIN, organisation=person.organisation).user
    with pytest.raises(PermissionDenied):
        badge_reset(person=person, actor=UserFactory())
    assert person_from_badge_token(old) == person
    badge_reset(person=person, actor=actor)
    assert person_from_badge_token(old) is None
    assert person_from_badge_token(badge_token(person)) == person
    entry = ModelLogEntry.objects.get(action=AuditAction.BADGE_RESET)
    assert entry.user_id == actor.pk and entry.object_id == str(person.pk)
