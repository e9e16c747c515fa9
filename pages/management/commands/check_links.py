from argparse import ArgumentTypeError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pages.linkcheck import find_broken_links, is_internal, moved_to, published_links
from pages.models import Page


def seconds(value):
    try:
        timeout = float(value)
    except ValueError:
        raise ArgumentTypeError(f"takes a number of seconds, not {value!r}") from None
    if not 0 < timeout <= 60:
        raise ArgumentTypeError(f"must be between 0 and 60 seconds, not {value}")
    return timeout


class Command(BaseCommand):
    help = (
        "Check every link in published pages (bodies, FAQ answers, references) and list "
        "the broken ones. Internal links are resolved; external ones get a HEAD request "
        "unless --internal-only or PAGES_CHECK_EXTERNAL_LINKS=false, never to a private or "
        "local network address (listed as broken). Exits 1 when any link is broken, so "
        "cron or CI can alert."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--internal-only", action="store_true", help="Don't request external addresses."
        )
        parser.add_argument(
            "--timeout",
            type=seconds,
            default=5.0,
            help="Seconds to wait for each external address (default 5).",
        )

    def handle(self, *args, internal_only, timeout, **options):
        links = published_links()
        external = settings.PAGES_CHECK_EXTERNAL_LINKS and not internal_only
        broken, external_count = find_broken_links(links, external=external, timeout=timeout)
        self.show_moved(links)
        if broken:
            self.show_table(broken)
        pages = Page.objects.published().count()
        checked = "" if external else " (external links not checked)"
        summary = (
            f"{len(links)} links on {pages} published pages, {external_count} external "
            f"addresses{checked}: {len(broken)} broken."
        )
        if broken:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

    def show_table(self, broken):
        rows = [("page", "where", "link", "problem")] + [
            (item.link.page.path, item.link.where, item.link.url, item.reason) for item in broken
        ]
        widths = [min(60, max(len(row[i]) for row in rows)) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]))

    def show_moved(self, links):
        # Not broken (the old address redirects), but worth updating to skip the 301.
        for link in links:
            new_path = moved_to(link) if is_internal(link.url) else None
            if new_path:
                self.stdout.write(f"Moved: {link.page.path} links to {link.url}, now {new_path}")
