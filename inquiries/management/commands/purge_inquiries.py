from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand
from django.utils import timezone

from inquiries.retention import purge_closed_inquiries


def positive_days(value):
    try:
        days = int(value)
    except ValueError:
        raise ArgumentTypeError(f"takes a whole number of days, not {value!r}") from None
    if days < 1:
        raise ArgumentTypeError(f"must be at least 1 day, not {days}")
    return days


class Command(BaseCommand):
    help = (
        "Delete (or with --anonymise, strip the personal details of) closed inquiries "
        "closed more than DAYS days ago. Prints the counts first; --dry-run stops there. "
        "Runs in one transaction and leaves a RetentionRun record."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            dest="days",
            type=positive_days,
            required=True,
            metavar="DAYS",
            help="Purge inquiries closed more than this many days ago (at least 1).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        parser.add_argument(
            "--anonymise",
            action="store_true",
            help="Keep the rows (for the figures) but remove names, contact details, "
            "message, notes, calls and emails.",
        )

    def handle(self, *, days, dry_run, anonymise, **options):
        verb = "anonymise" if anonymise else "delete"
        result = purge_closed_inquiries(older_than_days=days, dry_run=True, anonymise=anonymise)
        cutoff = timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"{result.inquiry_count} closed inquiries closed before {cutoff} to {verb}, "
            f"with {result.event_count} timeline events, {result.attempt_count} contact "
            f"attempts and {result.email_count} stored emails; {result.history_count} admin "
            "history entries keep only the reference."
        )
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return
        if not result.inquiry_count:
            self.stdout.write(self.style.SUCCESS("Nothing to purge."))
            return
        result = purge_closed_inquiries(older_than_days=days, anonymise=anonymise)
        done = "Anonymised" if anonymise else "Deleted"
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} {result.inquiry_count} inquiries and removed {result.event_count} "
                f"timeline events, {result.attempt_count} contact attempts and "
                f"{result.email_count} stored emails (retention run {result.run.pk})."
            )
        )
