from django.core.management.base import BaseCommand
from django.db import transaction

from pages import content_version
from pages.models import Page
from pages.search import update_search_vectors


class Command(BaseCommand):
    help = (
        "Make every page's stored HTML, reading grades, crisis-lines flag and search vector "
        "again from its Markdown: after upgrading, or after moving the images (MEDIA_URL or "
        "the storage)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = 0
            for page in Page.objects.select_for_update().iterator():
                page.render()
                # What is derived from the content changes, not the content: no revision
                # and no new updated_at.
                Page.objects.filter(pk=page.pk).update(
                    body_html=page.body_html,
                    toc_html=page.toc_html,
                    mentions_crisis=page.mentions_crisis,
                    reading_grade=page.reading_grade,
                    smog_grade=page.smog_grade,
                )
                count += 1
            update_search_vectors(Page.objects.all())
            content_version.bump()
        self.stdout.write(self.style.SUCCESS(f"{count} pages refreshed."))
