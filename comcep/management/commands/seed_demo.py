from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from comcep.demo import DEMO_PASSWORD, seed_accounts


class Command(BaseCommand):
    help = "Loads the demo accounts of every role and each app's demo content (idempotent)."

    def handle(self, *args, **options):
        accounts = seed_accounts()
        # Each app may offer demo content in <app>/demo.py: seed(accounts).
        for config in apps.get_app_configs():
            if config.name == "comcep":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(accounts)
            self.stdout.write(f"demo content: {config.name}")
        self.stdout.write(self.style.SUCCESS("Demo accounts (password: %s)" % DEMO_PASSWORD))
        for role, email in accounts.rows():
            self.stdout.write(f"  {role:<34} {email}")
