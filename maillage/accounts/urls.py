from django.contrib.auth import views as auth_views
from django.urls import path

from maillage.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inscription", views.signup, name="signup"),
    path("confirmer/<uidb64>/<token>", views.confirm, name="confirm"),
    path("renvoyer", views.resend, name="resend"),
    path("profil-de-deplacement", views.commute_profile, name="commute_profile"),
    path("supprimer", views.erase, name="erase"),
    path("connexion", views.LoginView.as_view(), name="login"),
    path("deconnexion", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
