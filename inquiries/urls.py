from django.urls import path

from inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("get-in-touch/", views.inquiry_create, name="create"),
    path("get-in-touch/thanks/", views.inquiry_thanks, name="thanks"),
]
