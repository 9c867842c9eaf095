from django.urls import path  # noqa: F401  (routes added with the views)

urlpatterns: list = []
