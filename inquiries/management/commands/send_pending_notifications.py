import time

from django.core.management.base import BaseCommand, CommandError

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
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            help="Keep running, checking for due emails every SECONDS (for deployments "
            "that set INQUIRY_EMAILS_IN_REQUEST=false).",
        )

    def handle(self, *args, limit, watch, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        if watch is None:
            self.send_once(limit, options["verbosity"])
            return
        if watch <= 0:
            raise CommandError("--watch needs a positive number of seconds.")
        while True:
            # A full batch means more may be waiting: go again without sleeping.
            if self.send_once(limit, options["verbosity"]) < limit:
                time.sleep(watch)

    def send_once(self, limit, verbosity):
        sent, failed = send_due_notifications(limit=limit)
        if sent or failed or verbosity > 1:
            message = f"{sent} sent, {failed} failed"
            self.stdout.write(self.style.SUCCESS(message) if not failed else message)
        return sent + failed
