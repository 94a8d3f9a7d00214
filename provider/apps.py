from django.apps import AppConfig


class ProviderConfig(AppConfig):
    name = "provider"
    verbose_name = "Simulated identity provider (an outside party)"
