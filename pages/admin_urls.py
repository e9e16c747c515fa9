"""The pages app's own screens in the admin (plain views behind the admin's sign-in)."""

from django.contrib import admin
from django.urls import path

from pages import review_views

app_name = "pages_admin"

urlpatterns = [
    path(
        "page/<int:page_id>/mark-reviewed/",
        admin.site.admin_view(review_views.mark_reviewed),
        name="mark_reviewed",
    ),
]
