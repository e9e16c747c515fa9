from django.core.management.base import BaseCommand

from pages.models import Page
from pages.search import update_search_vectors


class Command(BaseCommand):
    help = "Recompute every page's full-text search vector (PostgreSQL; a no-op elsewhere)."

    def handle(self, *args, **options):
        update_search_vectors(Page.objects.all())
        self.stdout.write(f"Search vectors updated for {Page.objects.count()} pages.")
