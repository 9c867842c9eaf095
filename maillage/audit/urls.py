from django.urls import path

from maillage.audit import views

app_name = "audit"

urlpatterns = [
    path("coordination/journal/", views.journal, name="journal"),
    path("coordination/journal/journal.csv", views.journal_csv, name="journal-csv"),
]
