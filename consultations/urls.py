from django.urls import path

from consultations import views

app_name = "consultations"

# The token is a signed opaque reference (consultations/links.py): any text may arrive,
# and anything that is not a valid signature answers with what to do instead.
urlpatterns = [
    path("book/<str:token>/", views.book_view, name="book"),
    path("consultation/<str:token>/", views.manage_view, name="manage"),
    path("consultation/<str:token>/move/", views.move_view, name="move"),
    path("consultation/<str:token>/cancel/", views.cancel_view, name="cancel"),
]
