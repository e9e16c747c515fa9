app_name = "inquiries"

urlpatterns = []
