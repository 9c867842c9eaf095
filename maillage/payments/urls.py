from django.urls import path  # noqa: F401  (routes added with the views)

app_name = "payments"
urlpatterns: list = []
