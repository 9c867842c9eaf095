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
# Decoding costs width × height × 4 bytes whatever the file's size: a 12000 × 10000 PNG of a few
# kilobytes takes a gigabyte. The header gives the size before any decoding; above this bound
# the photo is refused (40 Mpx: larger than any phone or camera photo a place would upload).
MAX_DECODED_PIXELS = 40_000_000
# Pillow's own guard refuses twice its bound with DecompressionBombError; set it to ours so that
# no code path in the process decodes a larger image.
Image.MAX_IMAGE_PIXELS = MAX_DECODED_PIXELS
TOO_MANY_PIXELS = (
    "Photo trop grande : {width} × {height} pixels, 40 millions de pixels au plus "
    "(réduisez-la avant de l'envoyer)."
)


def _reencode(upload) -> bytes:
    max_bytes = settings.MAILLAGE_MAX_PHOTO_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            {"image": [f"Photo trop lourde : {max_bytes // (1024 * 1024)} Mo au plus."]}
        )
    try:
        with Image.open(upload) as probe:  # reads the header only
            width, height = probe.size
            if width * height > MAX_DECODED_PIXELS:
                raise ValidationError(
                    {"image": [TOO_MANY_PIXELS.format(width=width, height=height)]}
                )
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
    except Image.DecompressionBombError as error:  # a header beyond Pillow's bound
        raise ValidationError(
            {"image": ["Photo trop grande : 40 millions de pixels au plus."]}
        ) from error
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
