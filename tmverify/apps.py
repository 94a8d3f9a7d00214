from django.apps import AppConfig


class TmverifyConfig(AppConfig):
    name = "tmverify"
    verbose_name = "tmverify"
