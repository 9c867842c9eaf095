import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError

pytestmark = pytest.mark.django_db


def test_user_signs_in_with_email_and_password():
    User = get_user_model()
    user = User.objects.create_user(email="Camille@Exemple.FR", password="un-mot-de-passe-solide")
    assert user.email == "Camille@exemple.fr"  # domain normalised
    assert authenticate(email="Camille@exemple.fr", password="un-mot-de-passe-solide") == user
    assert authenticate(email="Camille@exemple.fr", password="faux") is None


def test_email_is_unique():
    User = get_user_model()
    User.objects.create_user(email="a@exemple.fr", password="x")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="a@exemple.fr", password="y")


def test_superuser_has_staff_rights():
    admin = get_user_model().objects.create_superuser(email="admin@exemple.fr", password="x")
    assert admin.is_staff and admin.is_superuser
    assert str(admin) == "admin@exemple.fr"
