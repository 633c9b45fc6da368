"""The 长辈版 switch: a service that sets it on the login, a form post that works
without JavaScript, and every page of the signed-in user following it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from lms.people.models import User
from lms.people.services.preferences import elder_mode_set

pytestmark = pytest.mark.django_db

ELDER_CSS = "css/elder.css"


def test_the_service_turns_it_on_and_off(world):
    user = world.trainee.user
    assert elder_mode_set(user=user, on=True) is True
    assert User.objects.get(pk=user.pk).elder_mode is True
    assert elder_mode_set(user=user, on=True) is False  # already on: no write
    assert elder_mode_set(user=user, on=False) is True
    assert User.objects.get(pk=user.pk).elder_mode is False


def test_the_service_touches_only_its_own_column(world):
    user = world.trainee.user
    User.objects.filter(pk=user.pk).update(first_name="新名字")
    elder_mode_set(user=user, on=True)  # ``user`` still holds the old name
    assert User.objects.get(pk=user.pk).first_name == "新名字"


def test_nobody_signed_in_has_one_to_set():
    with pytest.raises(ValueError):
        elder_mode_set(user=AnonymousUser(), on=True)


def test_the_home_page_offers_the_switch_and_it_posts_without_javascript(
    client_for, world
):
    client = client_for(world.trainee.user)
    home = client.get("/").content.decode()
    assert 'action="/me/settings/elder-mode/"' in home
    assert 'name="elder_mode" value="on"' in home
    assert "csrfmiddlewaretoken" in home
    assert ELDER_CSS not in home and 'class="elder"' not in home

    response = client.post(
        reverse("elder_mode"), {"elder_mode": "on", "next": "/"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    html = response.content.decode()
    # The user is cached between requests: the switch is seen at once.
    assert 'class="elder"' in html and ELDER_CSS in html
    assert "长辈版已开启" in html
    assert 'name="elder_mode" value="off"' in html
    assert User.objects.get(pk=world.trainee.user.pk).elder_mode is True


def test_it_follows_the_user_to_another_device(client_for, world):
    client_for(world.trainee.user).post(reverse("elder_mode"), {"elder_mode": "on"})
    other_phone = client_for(world.trainee.user)
    assert 'class="elder"' in other_phone.get("/").content.decode()
    assert (
        'class="elder"'
        not in client_for(world.colleague.user).get("/").content.decode()
    )


def test_turning_it_off(client_for, world):
    elder_mode_set(user=world.trainee.user, on=True)
    client = client_for(world.trainee.user)
    response = client.post(reverse("elder_mode"), {"elder_mode": "off"}, follow=True)
    assert response.redirect_chain == [(reverse("my_settings"), 302)]
    assert 'class="elder"' not in response.content.decode()
    assert User.objects.get(pk=world.trainee.user.pk).elder_mode is False


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_it_never_sends_the_user_off_site(client_for, world, next_url):
    client = client_for(world.trainee.user)
    response = client.post(
        reverse("elder_mode"), {"elder_mode": "on", "next": next_url}
    )
    assert response["Location"] == reverse("my_settings")


def test_a_bad_value_changes_nothing(client_for, world):
    client = client_for(world.trainee.user)
    response = client.post(reverse("elder_mode"), {"elder_mode": "yes"}, follow=True)
    assert response.redirect_chain == [(reverse("my_settings"), 302)]
    assert "设置没有改变" in response.content.decode()
    assert User.objects.get(pk=world.trainee.user.pk).elder_mode is False


def test_only_a_post_with_the_csrf_token_changes_it(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.trainee.user)
    assert client.get(reverse("elder_mode"), {"elder_mode": "on"}).status_code == 405
    assert client.post(reverse("elder_mode"), {"elder_mode": "on"}).status_code == 403
    assert User.objects.get(pk=world.trainee.user.pk).elder_mode is False


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (reverse("my_settings"), reverse("elder_mode")):
        response = (
            client.post(url, {"elder_mode": "on"})
            if "elder" in url
            else (client.get(url))
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_settings_page_is_linked_and_shows_the_switch(client_for, world):
    client = client_for(world.trainee.user)
    assert f'href="{reverse("my_settings")}"' in client.get("/").content.decode()
    html = client.get(reverse("my_settings")).content.decode()
    assert 'action="/me/settings/elder-mode/"' in html
    assert 'value="/me/settings/"' in html  # back here after switching
    assert "长辈版" in html


def test_the_exam_reads_questions_aloud_only_in_the_elder_version(client_for, world):
    from tests.factories import quiz_with_questions

    quiz = quiz_with_questions(count=2)
    client = client_for(world.trainee.user)
    attempt_url = client.post(reverse("quiz_start", args=[quiz.pk]))["Location"]
    assert "data-read-aloud" not in client.get(attempt_url).content.decode()
    elder_mode_set(user=world.trainee.user, on=True)
    html = client.get(attempt_url).content.decode()
    assert html.count("data-read-aloud ") == 2  # one control per question
    assert "js/read-aloud.js" in html
