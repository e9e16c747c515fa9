from django.core.management.base import BaseCommand, CommandError

from inquiries.outbox import send_due_notifications


class Command(BaseCommand):
    help = (
        "Send the inquiry emails that are due now, from this process: new ones and failed "
        "ones whose back-off has passed. The worker (manage.py run_huey) does this by "
        "itself; this is for a person who wants them out at once. Each email is sent "
        "once even while the worker runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="Send at most this many emails in one run (default 100).",
        )

    def handle(self, *args, limit, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        sent, failed = send_due_notifications(limit=limit)
        message = f"{sent} sent, {failed} failed"
        self.stdout.write(self.style.SUCCESS(message) if not failed else message)
