from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pages.reminders import due_label, plan_review_reminders, send_review_reminder


class Command(BaseCommand):
    help = (
        "Email each medical reviewer the pages they review that are overdue or due in the "
        "next 30 days. Safe from cron: a reviewer gets at most one reminder a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send nothing."
        )

    def handle(self, *args, dry_run, **options):
        plan = plan_review_reminders()
        self.warn_unsendable(plan)
        if not plan.reminders:
            self.stdout.write(self.style.SUCCESS("No reviewer has pages due for review."))
            return
        if dry_run:
            self.show_plan(plan)
            return
        failures = [
            clinician
            for clinician, pages in plan.reminders.items()
            if not self.remind(clinician, pages)
        ]
        if failures:
            names = ", ".join(clinician.name for clinician in failures)
            raise CommandError(
                f"{len(failures)} of {len(plan.reminders)} reminder emails failed ({names}); "
                "the next run tries them again."
            )

    def remind(self, clinician, pages):
        """Send one reviewer's reminder; False when it failed (the others still go)."""
        recipient = f"{clinician.name} <{clinician.email}>"
        try:
            sent = send_review_reminder(clinician, pages)
        except Exception as error:  # SMTP, DNS, refused...: report it, go on with the rest
            self.stderr.write(f"Could not email {recipient}: {error}")
            return False
        if sent:
            self.stdout.write(self.style.SUCCESS(f"Emailed {recipient}: {len(pages)} page(s)."))
        else:
            self.stdout.write(f"Already reminded today: {recipient}.")
        return True

    def show_plan(self, plan):
        today = timezone.localdate()
        for clinician, pages in plan.reminders.items():
            self.stdout.write(f"Would email {clinician.name} <{clinician.email}>:")
            for page in pages:
                self.stdout.write(f"  {page.path}  {page.title}: {due_label(page, today)}")
        self.stdout.write(self.style.WARNING("Dry run: no email was sent."))

    def warn_unsendable(self, plan):
        for clinician, pages in plan.without_email.items():
            self.stderr.write(
                self.style.WARNING(
                    f"{clinician.name} has {len(pages)} page(s) due for review but no email "
                    "address: add one under Clinicians."
                )
            )
        if plan.without_reviewer:
            paths = ", ".join(page.path for page in plan.without_reviewer)
            self.stderr.write(
                self.style.WARNING(
                    f"{len(plan.without_reviewer)} page(s) due for review have no reviewer: {paths}"
                )
            )
