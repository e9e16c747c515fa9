from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from clinic import views

handler500 = "clinic.views.server_error"

# The inquiry queue needs the full width of a clinic's screen more than a sidebar that
# repeats the admin home page.
admin.site.enable_nav_sidebar = False
# Staff work here all day: the header names the clinic and the job, not the framework.
admin.site.site_header = f"{settings.CLINIC_NAME} · Intake"
admin.site.site_title = f"{settings.CLINIC_NAME} intake"
admin.site.index_title = "Intake and site content"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(f"{settings.ADMIN_PATH}two-factor/", include("staff.urls")),
    # Before the admin's own: its page URLs would take "<id>/mark-reviewed/" for an id.
    path(f"{settings.ADMIN_PATH}pages/", include("pages.admin_urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("inquiries.urls")),
    path("", include("consultations.urls")),
    path("", include("clinicfacts.urls")),
    path("", include("pages.urls")),
]
# Uploaded images in development (`make run`); in production the web server or an object
# storage bucket serves MEDIA_URL (static() adds nothing when DEBUG is off).
urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
