"""Photos of a place: checked to be real images, size-capped, re-encoded without metadata.

Re-encoding to JPEG drops EXIF (GPS position, camera owner: personal data under the RGPD) and any
payload hidden in the file.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from maillage.places.models import Place, PlacePhoto
from maillage.places.permissions import can_edit_place

MAX_PIXELS = 4000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


def _reencode(upload) -> bytes:
    max_bytes = settings.MAILLAGE_MAX_PHOTO_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            {"image": [f"Photo trop lourde : {max_bytes // (1024 * 1024)} Mo au plus."]}
        )
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError({"image": ["Format accepté : JPEG, PNG ou WebP."]})
            image = image.convert("RGB")
            image.thumbnail((MAX_PIXELS, MAX_PIXELS))
            output = BytesIO()
            image.save(output, format="JPEG", quality=85, optimize=True)
            return output.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError({"image": ["Ce fichier n'est pas une image lisible."]}) from error


@transaction.atomic
def photo_add(*, user, place: Place, upload, alt_text: str) -> PlacePhoto:
    """Attach a photo; managers and coordinators only. The description is required (RGAA)."""
    if not can_edit_place(user, place):
        raise PermissionDenied("Seuls les gestionnaires du lieu peuvent ajouter des photos.")
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise ValidationError(
            {"alt_text": ["Décrivez la photo en quelques mots (pour les lecteurs d'écran)."]}
        )
    content = _reencode(upload)
    photo = PlacePhoto(place=place, alt_text=alt_text[:250], position=place.photos.count())
    photo.image.save("photo.jpg", ContentFile(content), save=True)
    return photo
