"""The station the points browser tests start from: 香蜜湖派出所 with its security
company, the 保安员证 and the gate post that requires it, and its station staff
``station1``."""

from dataclasses import dataclass

from lms.people.constants import Role
from tests.factories import (
    OrganisationFactory,
    PostFactory,
    QualificationTypeFactory,
    StationFactory,
    person_with_role,
)


@dataclass
class PointsStation:
    station: object
    company: object
    duty: object  # the qualification type the gate requires
    gate: object  # the 门卫 post


def points_station():
    from lms.people.services.roles import roles_ensure

    roles_ensure()  # the browser tests' flush empties the role groups' permissions
    station = StationFactory(name="香蜜湖派出所")
    company = OrganisationFactory(name="中安保安", supervising_station=station)
    duty = QualificationTypeFactory(code="BAY-ZHENG", name="保安员证")
    gate = PostFactory(code="GATE", name="门卫", required_types=[duty], sort_order=1)
    gate.save()  # persists the ParentalManyToManyField
    person_with_role(Role.STATION_STAFF, organisation=station, username="station1")
    return PointsStation(station, company, duty, gate)
