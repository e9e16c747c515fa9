from django.urls import path

from clinicfacts import views

app_name = "clinicfacts"

urlpatterns = [
    path("our-team/", views.team, name="team"),
    path("locations/", views.locations, name="locations"),
]
