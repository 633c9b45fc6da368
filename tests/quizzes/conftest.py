import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Messages in English, so a test can match them whatever the catalogue says."""
    with translation.override("en"):
        yield


def either(message):
    """The message as the site shows it by default (Chinese) or in English."""
    with translation.override("zh-hans"):
        chinese = translation.gettext(message)
    return (message, chinese)
