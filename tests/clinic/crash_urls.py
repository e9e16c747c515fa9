from django.urls import path

handler500 = "clinic.views.server_error"


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash)]
