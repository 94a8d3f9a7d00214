"""Settings for benchmark servers: the project's, plus the bench views and their table."""

from tmverify.settings import *  # noqa: F403
from tmverify.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False}
