import re

from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from pages import search_views, views
from pages.models import reserved_slugs
from pages.sitemaps import SITEMAPS

app_name = "pages"

# Fixed addresses that the page catch-all must never answer, even if no earlier pattern did.
_NOT_PAGES = "|".join(sorted(re.escape(slug) for slug in reserved_slugs() if "." not in slug))

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        # Read-only, like every public page: POST, PUT and DELETE get a 405.
        require_safe(cache_control(public=True, max_age=3600)(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("search/", search_views.search, name="search"),
    # Must stay last: any nested lowercase slug path, e.g. treatments/ketamine-for-ptsd/.
    re_path(
        rf"^(?!(?:{_NOT_PAGES})/)(?P<path>(?:[a-z0-9]+(?:-[a-z0-9]+)*/)+)$",
        views.page_detail,
        name="detail",
    ),
]
