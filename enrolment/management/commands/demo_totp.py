from django.core.management.base import BaseCommand

from enrolment.demo import DEMO_TOTP_SECRET, totp_code


class Command(BaseCommand):
    help = "Prints the current two-factor code of the demo managers (demo data only)."

    def handle(self, *args, **options):
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))
