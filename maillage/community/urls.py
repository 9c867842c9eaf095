from django.urls import path, re_path

from maillage.community import views

app_name = "community"

# Numeric ids are bounded in the pattern: a 30-digit id is unknown (404), never an overflow.
ID = r"(?P<{}>[0-9]{{1,18}})"

urlpatterns = [
    path("membres/", views.directory, name="directory"),
    path("membres/mon-profil", views.my_profile, name="my_profile"),
    path("membres/messages/", views.inbox, name="inbox"),
    path("membres/messages/<uuid:public_id>", views.conversation, name="conversation"),
    path(
        "membres/messages/<uuid:public_id>/bloquer",
        views.conversation_block,
        name="conversation_block",
    ),
    re_path(
        r"^membres/messages/signaler/" + ID.format("message_id") + "$",
        views.report_message,
        name="report_message",
    ),
    path("membres/bloques", views.blocks, name="blocks"),
    path("membres/moderation", views.moderation, name="moderation"),
    re_path(
        r"^membres/moderation/" + ID.format("report_id") + "$",
        views.moderation_decide,
        name="moderation_decide",
    ),
    path("membres/<uuid:public_id>", views.member, name="member"),
    path("membres/<uuid:public_id>/ecrire", views.contact, name="contact"),
    path("membres/<uuid:public_id>/bloquer", views.member_block, name="member_block"),
    path("membres/<uuid:public_id>/signaler", views.report_profile, name="report_profile"),
]
