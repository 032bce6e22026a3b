import time

from django.core.management.base import BaseCommand, CommandError

from comcep.models import WorkerPing
from comcep.tasks import answer_ping


class Command(BaseCommand):
    help = "Sends a job through the queue and waits for a worker to run it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60)

    def handle(self, *args, timeout, **options):
        ping = WorkerPing.objects.create()
        answer_ping.delay(ping.pk)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ping.refresh_from_db()
            if ping.answered_at:
                delay = (ping.answered_at - ping.created_at).total_seconds()
                self.stdout.write(self.style.SUCCESS(f"worker answered in {delay:.2f}s"))
                return
            time.sleep(0.2)
        raise CommandError(f"no worker answered within {timeout:.0f}s")
