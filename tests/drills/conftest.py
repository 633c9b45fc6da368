import pytest

from tests.factories import DrillFactory


@pytest.fixture
def drill(world):
    """A drill inviting world.company, with world.instructor as its instructor."""
    drill = DrillFactory(organisations=[world.company])
    drill.instructors.add(world.instructor.user)
    return drill
