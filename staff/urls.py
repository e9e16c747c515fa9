from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.two_factor, name="two_factor"),
    path("qr.svg", views.enrolment_qr_code, name="enrolment_qr_code"),
]
