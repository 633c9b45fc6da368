import hashlib

import factory

from lms.h5p.models import H5PPackage, H5PResult
from tests.factories.people import UserFactory


class H5PPackageFactory(factory.django.DjangoModelFactory):
    """A package row without files: enough for scoring and blocks. Tests that need
    the files upload a real fixture through the service instead."""

    class Meta:
        model = H5PPackage

    title = factory.Sequence(lambda n: f"判断题{n}")
    content_hash = factory.Sequence(
        lambda n: hashlib.sha256(f"package-{n}".encode()).hexdigest()
    )
    main_library = "H5P.TrueFalse"
    main_library_version = "1.6"
    libraries = factory.LazyFunction(lambda: {"H5P.TrueFalse": "1.6"})
    max_score = 1
    file_count = 2


class H5PResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = H5PResult

    user = factory.SubFactory(UserFactory)
    package = factory.SubFactory(H5PPackageFactory)
    lesson_id = factory.Sequence(lambda n: 1000 + n)
    block_id = factory.Sequence(lambda n: f"block-{n}")
    max_score = 1
