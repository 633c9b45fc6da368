import pytest
from django.core.management import CommandError, call_command

from lms.people import idnumber
from lms.people.constants import Role
from lms.people.demo import DEMO_PASSWORD
from lms.people.models import Organisation, Person, User


def test_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Person.objects.exists()


def test_is_idempotent_and_realistic(db, capsys):
    call_command("seed_demo", "--force")
    counts = (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo", "--force")
    assert counts == (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
    )
    assert Person.objects.count() >= 60
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds >= {
        "police_station",
        "security_company",
        "property_firm",
        "volunteer_team",
        "co_governance_point",
    }
    assert set(
        Organisation.objects.filter(kind="co_governance_point").values_list(
            "point_category", flat=True
        )
    ) == {"A", "B", "C", "D"}
    for person in Person.objects.all():
        idnumber.parse(person.id_number)
    assert "trainee1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", Role.SITE_ADMIN),
        ("instructor", Role.INSTRUCTOR),
        ("station", Role.STATION_STAFF),
        ("orgadmin", Role.ORG_ADMIN),
        ("trainee1", Role.TRAINEE),
    ],
)
def test_demo_logins_work(db, client, username, role):
    call_command("seed_demo", "--force")
    user = User.objects.get(username=username)
    assert user.groups.filter(name=role.value).exists()
    assert client.login(username=username, password=DEMO_PASSWORD)
