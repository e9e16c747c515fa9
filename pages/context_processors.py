def navigation(request):
    """Pages shown in the site's main navigation (filled in by the pages issue)."""
    return {"nav_pages": []}
