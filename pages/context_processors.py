from django.utils.functional import SimpleLazyObject


def navigation(request):
    """Pages in the main navigation, queried only when a template shows them."""
    from pages.models import Page

    return {
        "nav_pages": SimpleLazyObject(
            lambda: list(Page.objects.in_navigation().only("title", "navigation_title", "path"))
        )
    }
