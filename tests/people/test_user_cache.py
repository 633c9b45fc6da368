"""The signed-in user and profile come from the shared cache, and every change to
either row is seen by the next request."""

from django.core.cache import cache

from lms.people.backends import PhoneOrUsernameBackend
from lms.people.user_cache import KEY, user_with_person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


def _whoami(client):
    """The user and profile the next request sees."""
    response = client.get("/")
    user = response.wsgi_request.user
    return user, getattr(user, "person", None)


def test_a_warm_request_reads_no_user_row(client_for, world, django_assert_num_queries):
    client = client_for(world.trainee.user)
    _whoami(client)
    assert cache.get(KEY.format(world.trainee.user.pk)) is not None
    with django_assert_num_queries(0):
        user = PhoneOrUsernameBackend().get_user(world.trainee.user.pk)
    assert user.person.pk == world.trainee.pk


def test_the_cached_profile_holds_no_encrypted_id_number(client_for, world):
    _whoami(client_for(world.trainee.user))
    _version, cached = cache.get(KEY.format(world.trainee.user.pk))
    assert "id_number_encrypted" not in cached.person.__dict__
    assert "id_number_hash" not in cached.person.__dict__
    # Read on demand from the database.
    assert cached.person.id_number == world.trainee.id_number


def test_a_deactivated_user_is_signed_out_at_the_next_request(client_for, world):
    client = client_for(world.trainee.user)
    assert _whoami(client)[0].is_authenticated
    world.trainee.user.is_active = False
    world.trainee.user.save()
    assert not _whoami(client)[0].is_authenticated


def test_a_changed_password_ends_other_sessions(client_for, world):
    client = client_for(world.trainee.user)
    assert _whoami(client)[0].is_authenticated
    world.trainee.user.set_password("another-long-password-9")
    world.trainee.user.save()
    assert not _whoami(client)[0].is_authenticated


def test_a_profile_change_is_seen_at_once(client_for, world):
    client = client_for(world.trainee.user)
    _whoami(client)
    moved_to = OrganisationFactory(code="CO-NEW", name="新保安公司")
    world.trainee.organisation = moved_to
    world.trainee.save()
    assert _whoami(client)[1].organisation_id == moved_to.pk


def test_a_profile_moved_to_another_login_leaves_the_old_one(db, client_for):
    old_login, new_login = UserFactory(), UserFactory()
    person = PersonFactory(user=old_login)
    client = client_for(old_login)
    assert _whoami(client)[1].pk == person.pk
    person.user = new_login
    person.save()
    assert _whoami(client)[1] is None
    assert _whoami(client_for(new_login))[1].pk == person.pk


def test_a_deleted_profile_is_gone_at_once(db, client_for):
    login = UserFactory()
    person = PersonFactory(user=login)
    client = client_for(login)
    assert _whoami(client)[1].pk == person.pk
    person.delete()
    assert _whoami(client)[1] is None


def test_an_entry_built_before_a_change_is_never_served(world):
    """A slow request read the row before an admin deactivated the account and
    writes its entry after the change: the next request must not use it."""
    pk = world.trainee.user.pk
    user_with_person(pk)
    old_entry = cache.get(KEY.format(pk))
    world.trainee.user.is_active = False
    world.trainee.user.save()
    cache.set(KEY.format(pk), old_entry)
    assert user_with_person(pk).is_active is False
