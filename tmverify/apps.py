from django.apps import AppConfig


class TmverifyConfig(AppConfig):
    name = "tmverify"
    verbose_name = "tmverify"

    def ready(self):
        from . import checks  # noqa: F401  registers the production checks
