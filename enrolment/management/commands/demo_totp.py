from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand

from enrolment.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Prints the current two-factor code of the demo managers (demo data only)."

    def handle(self, *args, **options):
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current)))
