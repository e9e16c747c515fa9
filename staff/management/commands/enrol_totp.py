import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff.two_factor import APP_NAME, enrol_app_for


class Command(BaseCommand):
    help = (
        "Enrol an authenticator app for a staff member (the way to add the first device "
        "when DJANGO_REQUIRE_2FA is on, or a new phone after a lost one). Replaces the "
        "app they had. Prints a QR code and the otpauth:// address."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default=APP_NAME)

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not a staff member.")
        device = enrol_app_for(user, name=name)
        code = qrcode.QRCode(border=1)
        code.add_data(device.config_url)
        picture = io.StringIO()
        code.print_ascii(out=picture, invert=True)
        self.stdout.write(picture.getvalue())
        self.stdout.write(f"otpauth address: {device.config_url}")
        self.stdout.write(
            self.style.SUCCESS(f"Enrolled {name!r} for {username}. Scan the code with the app.")
        )
        self.stdout.write(
            "Once signed in, they make their backup codes at the admin's two-factor page."
        )
