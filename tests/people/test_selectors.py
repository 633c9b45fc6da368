"""Each scoping boundary of DESIGN.md, proved from both sides."""

import pytest

from lms.people import selectors


def names(queryset):
    return set(queryset.values_list("name", flat=True))


@pytest.mark.django_db
def test_trainee_sees_only_themself(world):
    visible = selectors.people_visible_to(world.trainee.user)
    assert list(visible) == [world.trainee]
    assert not selectors.organisations_visible_to(world.trainee.user).exists()
    assert not selectors.people_managed_by(world.trainee.user).exists()


@pytest.mark.django_db
def test_org_admin_sees_and_manages_only_their_organisation(world):
    user = world.org_admin.user
    visible = selectors.people_visible_to(user)
    assert world.colleague in visible
    assert world.trainee in visible
    assert world.outsider not in visible
    assert world.point_guard not in visible
    assert list(selectors.organisations_managed_by(user)) == [world.company]
    assert selectors.can_manage_person(user, world.trainee)
    assert not selectors.can_manage_person(user, world.outsider)


@pytest.mark.django_db
def test_station_staff_read_their_station_and_what_it_supervises(world):
    user = world.station_staff.user
    organisations = set(selectors.organisations_visible_to(user))
    assert organisations == {world.station, world.company, world.point}
    visible = selectors.people_visible_to(user)
    assert world.trainee in visible
    assert world.point_guard in visible
    assert world.outsider not in visible
    # Read-only: nothing to manage, and no permission to change anything. They
    # open the admin (to set up their points), but start on the site's pages.
    assert not selectors.people_managed_by(user).exists()
    assert not user.has_perm("people.change_person")
    assert user.has_perm("wagtailadmin.access_admin")
    assert not selectors.starts_in_admin(user)
    assert selectors.starts_in_admin(world.org_admin.user)


@pytest.mark.django_db
def test_instructor_reads_everyone_but_manages_nobody(world):
    user = world.instructor.user
    assert world.outsider in selectors.people_visible_to(user)
    assert not selectors.people_managed_by(user).exists()


@pytest.mark.django_db
def test_site_admin_manages_everyone(world):
    user = world.site_admin.user
    assert selectors.can_manage_person(user, world.outsider)
    assert selectors.organisations_editable_by(user).count() == 5


@pytest.mark.django_db
def test_anonymous_sees_nobody(world):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.people_visible_to(AnonymousUser()).exists()
    assert not selectors.organisations_visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_full_id_numbers_need_an_explicit_permission(world):
    assert not selectors.can_see_full_id_numbers(world.org_admin.user)
    assert selectors.can_see_full_id_numbers(world.site_admin.user)
