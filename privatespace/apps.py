from django.apps import AppConfig


class PrivatespaceConfig(AppConfig):
    name = "privatespace"
