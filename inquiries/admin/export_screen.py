"""Export the queue as it is filtered and searched, as CSV (every page of it)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import Http404

from inquiries.admin.screens import require
from inquiries.export import export_response
from inquiries.models import Inquiry


def export_view(request):
    require(request, "view", "export")
    # The list's own filters and search, so the file holds exactly what the list shows.
    model_admin = admin.site.get_model_admin(Inquiry)
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters as error:
        raise Http404("Those filters don't apply to inquiries.") from error
    scope = "filter " + (request.META.get("QUERY_STRING") or "none (the open queue)")
    return export_response(changelist.get_queryset(request), request=request, scope=scope)
