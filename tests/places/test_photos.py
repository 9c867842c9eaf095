from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from maillage.places.models import PlacePhoto
from maillage.places.photos import photo_add
from maillage.places.services import place_create
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def place(manager):
    return place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))


def image_upload(fmt="PNG", size=(64, 48), name="photo.png", exif=False) -> SimpleUploadedFile:
    buffer = BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    kwargs = {}
    if exif:
        exif_data = Image.Exif()
        exif_data[0x010F] = "Appareil de Camille"  # Make
        kwargs["exif"] = exif_data
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_manager_adds_a_photo_reencoded_without_metadata(manager, place):
    photo = photo_add(
        user=manager, place=place, upload=image_upload("JPEG", exif=True), alt_text="L'open space"
    )
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)
        assert dict(stored.getexif()) == {}
    assert photo.alt_text == "L'open space"


def test_not_an_image_is_refused(manager, place):
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        photo_add(user=manager, place=place, upload=fake, alt_text="x")
    assert error.value.message_dict == {"image": ["Ce fichier n'est pas une image lisible."]}
    assert PlacePhoto.objects.count() == 0


@override_settings(MAILLAGE_MAX_PHOTO_BYTES=1000)
def test_too_large_photo_is_refused(manager, place):
    with pytest.raises(ValidationError, match="Photo trop lourde"):
        photo_add(user=manager, place=place, upload=image_upload(size=(600, 600)), alt_text="x")
    assert PlacePhoto.objects.count() == 0


def test_photo_needs_a_description_and_a_manager(manager, place):
    with pytest.raises(ValidationError, match="Décrivez la photo"):
        photo_add(user=manager, place=place, upload=image_upload(), alt_text=" ")
    with pytest.raises(PermissionDenied):
        photo_add(user=UserFactory(), place=place, upload=image_upload(), alt_text="x")
    assert PlacePhoto.objects.count() == 0


def test_photo_upload_view(client, manager, place):
    client.force_login(manager)
    response = client.post(
        f"/lieux/{place.public_id}/photos/", {"image": image_upload(), "alt_text": "La salle"}
    )
    assert response.status_code == 302
    assert place.photos.get().alt_text == "La salle"
    client.force_login(UserFactory())
    response = client.post(
        f"/lieux/{place.public_id}/photos/", {"image": image_upload(), "alt_text": "Intrus"}
    )
    assert response.status_code == 404
    assert place.photos.count() == 1
