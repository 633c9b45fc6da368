import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from lms.people.constants import AuditAction, Role
from lms.people.services.roles import role_assign, role_remove, roles_ensure
from tests.factories import UserFactory


@pytest.mark.django_db
def test_every_role_is_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.django_db
def test_roles_ensure_is_idempotent_and_sets_exact_permissions():
    roles_ensure()
    roles_ensure()
    station = Group.objects.get(name=Role.STATION_STAFF.value)
    codenames = set(station.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_person",
        "view_organisation",
        "view_team",
        "view_externalcredential",
        "view_qualificationtype",
        "view_qualificationrecord",
        "view_post",
        "suspend_qualificationrecord",
        "view_apikey",
        "add_apikey",
        "change_apikey",
    }
    assert not Group.objects.get(name=Role.TRAINEE.value).permissions.exists()


@pytest.mark.django_db
def test_admin_access_only_for_instructors_org_admins_and_site_admins():
    for role, expected in [
        (Role.TRAINEE, False),
        (Role.STATION_STAFF, False),
        (Role.INSTRUCTOR, True),
        (Role.ORG_ADMIN, True),
        (Role.SITE_ADMIN, True),
    ]:
        user = UserFactory(roles=[role])
        assert user.has_perm("wagtailadmin.access_admin") is expected, role


@pytest.mark.django_db
def test_role_changes_are_audited():
    user, actor = UserFactory(), UserFactory()
    role_assign(user=user, role=Role.INSTRUCTOR, actor=actor)
    role_remove(user=user, role=Role.INSTRUCTOR, actor=actor)
    entries = ModelLogEntry.objects.filter(
        action=AuditAction.ROLE_CHANGE, object_id=str(user.pk)
    ).order_by("pk")
    assert [e.data for e in entries] == [
        {"added": ["INSTRUCTOR"], "removed": []},
        {"added": [], "removed": ["INSTRUCTOR"]},
    ]
    assert all(e.user_id == actor.pk for e in entries)
