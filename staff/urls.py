from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.two_factor_page, name="two_factor"),
    path("backup-codes/", views.new_backup_codes, name="new_backup_codes"),
    path("qr.svg", views.enrolment_qr_code, name="enrolment_qr_code"),
]
