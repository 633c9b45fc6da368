from datetime import timedelta

import factory
from django.utils import timezone

from lms.drills.constants import DrillType
from lms.drills.models import Drill


class DrillFactory(factory.django.DjangoModelFactory):
    """A fire drill that started five minutes ago and lasts two hours."""

    class Meta:
        model = Drill
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"消防演练{n}")
    drill_type = DrillType.FIRE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda d: d.starts_at + timedelta(hours=2))
    location_name = "香蜜湖消防站"
    latitude = factory.LazyFunction(lambda: __import__("decimal").Decimal("22.543"))
    longitude = factory.LazyFunction(lambda: __import__("decimal").Decimal("114.020"))

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)
