from django.core.management.base import BaseCommand

from inquiries.services import send_due_notifications


class Command(BaseCommand):
    help = (
        "Send inquiry emails that are due: new ones whose first attempt did not happen "
        "and failed ones whose back-off has passed. Safe to run from cron every minute, "
        "even when runs overlap: each email is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="Send at most this many emails in one run (default 100).",
        )

    def handle(self, *args, limit, **options):
        sent, failed = send_due_notifications(limit=limit)
        if sent or failed or options["verbosity"] > 1:
            message = f"{sent} sent, {failed} failed"
            self.stdout.write(self.style.SUCCESS(message) if not failed else message)
