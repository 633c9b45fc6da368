import datetime

import factory
from django.utils import timezone

from lms.points.models import PointAssignment, PointNeed, PointSite


class PointSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointSite

    point = factory.SubFactory("tests.factories.people.PointFactory")
    latitude = "22.545000"
    longitude = "114.030000"


class PointNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointNeed

    category = "A"
    point = None
    post = factory.SubFactory("tests.factories.certs.PostFactory")
    guards = 1


class PointAssignmentFactory(factory.django.DjangoModelFactory):
    """In force from ten days ago, until further notice."""

    class Meta:
        model = PointAssignment

    person = factory.SubFactory("tests.factories.people.PersonFactory")
    point = factory.SubFactory("tests.factories.people.PointFactory")
    post = factory.SubFactory("tests.factories.certs.PostFactory")
    valid_from = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )
