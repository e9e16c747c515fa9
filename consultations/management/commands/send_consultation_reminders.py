from django.core.management.base import BaseCommand, CommandError

from consultations.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminder of each consultation due 24 hours ahead, for the worker to "
        "send (it runs this every five minutes itself). Safe alongside it: each booking is "
        "reminded once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many per run.")

    def handle(self, *args, limit, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        count = send_due_reminders(limit=limit)
        if count or options["verbosity"] > 1:
            self.stdout.write(self.style.SUCCESS(f"{count} reminders queued"))
