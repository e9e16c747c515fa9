from django.conf import settings
from django.db.models import Prefetch
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from clinicfacts.structured_data import clinic_json_ld
from images.rendering import social_image_meta
from pages.cache import cache_public_page, is_signed_in
from pages.models import Page, PageRedirect
from pages.rendering import cta_url
from pages.structured_data import page_json_ld

HOME_DESCRIPTION = (
    "Ketamine therapy for depression, anxiety and PTSD when other treatments haven't "
    "helped: clear information, medically reviewed, and a team that listens."
)


def _published_children():
    return Prefetch(
        "children",
        queryset=Page.objects.published().order_by("navigation_order", "title"),
        to_attr="published_children",
    )


@require_safe
@cache_public_page
def home(request):
    top_level = (
        Page.objects.published()
        .filter(parent=None)
        .order_by("navigation_order", "title")
        .prefetch_related(_published_children())
    )
    context = {
        "sections": [page for page in top_level if page.published_children],
        "other_pages": [page for page in top_level if not page.published_children],
        "canonical_url": settings.SITE_URL + "/",
        "description": HOME_DESCRIPTION,
        "json_ld": clinic_json_ld(),
    }
    return render(request, "pages/home.html", context)


def _staff_preview(request, path):
    """The unpublished page at path for staff; None for everyone else.

    Only consulted when a session cookie is present, so anonymous requests never touch
    the session (and so never get a cookie or Vary: Cookie).
    """
    if not is_signed_in(request):
        return None
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("pages.view_page")):
        return None
    return (
        Page.objects.filter(path=path)
        .select_related("reviewer")
        .prefetch_related("faqs", "references")
        .first()
    )


@require_safe
@cache_public_page
def page_detail(request, path):
    path = f"/{path}"
    page = (
        Page.objects.published()
        .filter(path=path)
        .select_related("reviewer", "social_image")
        .prefetch_related("faqs", "references", "social_image__renditions", _published_children())
        .first()
    )
    preview = False
    if page is None:
        page = _staff_preview(request, path)
        if page is None:
            redirect = PageRedirect.objects.filter(old_path=path).select_related("page").first()
            if redirect is None:
                raise Http404("No published page at this address.")
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(
                redirect.page.path + (f"?{query}" if query else "")
            )
        preview = True
        page.published_children = list(
            Page.objects.published().filter(parent=page).order_by("navigation_order", "title")
        )

    context = page_context(
        page,
        faqs=list(page.faqs.all()),
        references=list(page.references.all()),
        children=page.published_children,
        preview=preview,
    )
    response = render(request, "pages/page_detail.html", context)
    if preview:
        add_never_cache_headers(response)
    return response


def page_context(page, *, faqs, references, children, preview):
    """What pages/page_detail.html shows: for the live page, a staff preview or a draft."""
    ancestors = page.ancestor_paths()
    return {
        "page": page,
        "preview": preview,
        "breadcrumbs": (
            Page.objects.published().filter(path__in=ancestors).order_by(Length("path"))
            if ancestors
            else []
        ),
        "faqs": faqs,
        "references": references,
        "children": children,
        "canonical_url": settings.SITE_URL + page.path,
        "cta_url": cta_url(page.path),
        "json_ld": page_json_ld(page, faqs),
        "og_image": social_image_meta(page.social_image),
    }


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *"]
    if settings.ADMIN_PATH == "admin/":
        # A custom admin path is meant to stay unlisted, so only the default is named.
        lines.append("Disallow: /admin/")
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
