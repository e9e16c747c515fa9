from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff.two_factor import remove_two_factor


class Command(BaseCommand):
    help = (
        "Remove a staff member's authenticator app and backup codes, for a lost phone. "
        "They then enrol again (see the README's two-factor section)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; change nothing."
        )

    def handle(self, *args, username, dry_run, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        apps, codes = remove_two_factor(user, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {apps} authenticator app{'s' * (apps != 1)} and "
                f"{codes} backup code{'s' * (codes != 1)} for {username}."
            )
        )
        if dry_run:
            return
        if settings.REQUIRE_STAFF_2FA:
            self.stdout.write(f"Next: manage.py enrol_totp {username}, with their new phone.")
        else:
            self.stdout.write(
                f"Next: {username} signs in with their password alone and turns two-factor "
                "sign-in on again at the admin's two-factor page."
            )
