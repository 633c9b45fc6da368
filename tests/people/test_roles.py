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
        "access_admin",  # to set up their station's points
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
def test_admin_access_for_every_role_but_trainees():
    """Station staff open the admin to set up their station's points
    (lms/points/admin_views.py); they still sign in to the site's pages."""
    for role, expected in [
        (Role.TRAINEE, False),
        (Role.STATION_STAFF, True),
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


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.TRAINING_MANAGER])
def test_authors_upload_into_the_material_collection_and_choose_from_all(role):
    """Wagtail reads image and document rights per collection: with model
    permissions only, the chooser was empty and /admin/images/add/ refused."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection
    from wagtail.permissions import policy_registry

    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())
    roles_ensure()
    roles_ensure()  # idempotent: no second set of rows
    user = UserFactory(roles=[role])
    material = Collection.objects.get(name="培训素材")
    for policy in (image_policy, document_policy):
        assert policy.user_has_permission(user, "add")
        assert list(policy.collections_user_has_permission_for(user, "add")) == [
            material
        ]
    root = Collection.get_first_root_node()
    by_admin = get_image_model().objects.create(
        title="admin's", file=get_test_image_file(), collection=root
    )
    document = get_document_model().objects.create(title="条例", collection=root)
    assert by_admin in image_policy.instances_user_has_permission_for(user, "choose")
    assert document in document_policy.instances_user_has_permission_for(user, "choose")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.ORG_ADMIN, Role.TRAINEE])
def test_other_roles_get_no_collection_rights(role):
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    roles_ensure()
    user = UserFactory(roles=[role])
    policy = policy_registry.get_by_type(get_image_model())
    assert not policy.user_has_any_permission(user, ["add", "change", "choose"])
