from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from pages.models import Page


class SiteUrlSitemap(Sitemap):
    """Absolute URLs from settings.SITE_URL, not from the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(SiteUrlSitemap):
    def items(self):
        return ["pages:home"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Page.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(SiteUrlSitemap):
    def items(self):
        return Page.objects.published().order_by("path").only("path", "updated_at")

    def location(self, item):
        return item.path

    def lastmod(self, item):
        return item.updated_at


class ClinicFactsSitemap(SiteUrlSitemap):
    def items(self):
        return ["clinicfacts:team", "clinicfacts:locations"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"home": HomeSitemap, "pages": PageSitemap, "clinic": ClinicFactsSitemap}
