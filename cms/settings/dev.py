"""Local development: DEBUG on, mail to the console."""

from cms.settings.base import *  # noqa: F403
from cms.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = ["*"]

# Serve static files from the source folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
