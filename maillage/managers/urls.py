from django.urls import path

from maillage.managers import views

app_name = "managers"
urlpatterns = [
    path("gestionnaires/", views.home, name="home"),
    path("gestionnaires/publier/", views.post_new, name="post_new"),
    path("gestionnaires/messages/<int:post_id>/", views.post_detail, name="post_detail"),
    path("gestionnaires/messages/<int:post_id>/modifier/", views.post_edit, name="post_edit"),
    path(
        "gestionnaires/messages/<int:post_id>/document/", views.post_document, name="post_document"
    ),
    path("gestionnaires/messages/<int:post_id>/repondre/", views.comment_add, name="comment_add"),
    path(
        "gestionnaires/messages/<int:post_id>/moderer/", views.post_moderate, name="post_moderate"
    ),
    path("gestionnaires/notifications/", views.notification_list, name="notifications"),
    path(
        "gestionnaires/notifications/<int:notification_id>/lire/",
        views.notification_read,
        name="notification_read",
    ),
    path("gestionnaires/preferences/", views.preferences, name="preferences"),
]
