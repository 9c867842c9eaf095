"""JSON API of bookings (mounted at /api/reservations): availability, bookings, attendance."""

from datetime import date, datetime, time, timedelta
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.booking import selectors, services
from maillage.booking.bounds import BookingDay
from maillage.booking.errors import BookingError
from maillage.booking.models import Booking, Resource
from maillage.booking.permissions import can_manage_bookings
from maillage.core.lookups import get_or_404
from maillage.places.models import Place

router = Router(tags=["réservations"])

SLOTS = {"journee": "day", "matin": "morning", "apres-midi": "afternoon", "heures": "hours"}
SLOT_NAMES = {v: k for k, v in SLOTS.items()}
PAYMENTS = {"sur_place": "on_site", "abonnement": "plan", "carnet": "pass"}
# Read only: a booking paid by the employer is made on the booking page (employers app).
PAYMENT_NAMES = {v: k for k, v in PAYMENTS.items()} | {"employer": "employeur"}
STATUS_NAMES = {
    "confirmed": "confirmee",
    "offered": "proposee",
    "cancelled": "annulee",
    "expired": "expiree",
}


class Error(Schema):
    detail: str
    code: str = ""
    erreurs: list[dict] = []


class SlotOut(Schema):
    ressource: int
    ressource_nom: str
    type: str
    date: date
    creneau: str
    debut: datetime
    fin: datetime
    libres: int
    fermeture: str = ""


class AvailabilityQuery(Schema):
    lieu: UUID
    date: BookingDay
    jours: int = Field(1, ge=1, le=31)


class BookingIn(Schema):
    ressource: int = Field(..., ge=1, le=2**63 - 1)
    date: BookingDay
    creneau: Literal["journee", "matin", "apres-midi", "heures"]
    debut: time | None = None
    fin: time | None = None
    places: int = Field(1, ge=1, le=500)
    paiement: Literal["sur_place", "abonnement", "carnet"] = "sur_place"
    carnet: UUID | None = None


class BookingOut(Schema):
    id: UUID
    ressource: int
    ressource_nom: str
    lieu: UUID
    lieu_nom: str
    statut: str
    debut: datetime
    fin: datetime
    places: int
    reglement: str
    montant_centimes: int
    unites_carnet: int
    presence: datetime | None
    proposition_expire: datetime | None


class CancelIn(Schema):
    motif: str = Field("", max_length=300)


def booking_out(booking: Booking) -> dict:
    return {
        "id": booking.public_id,
        "ressource": booking.resource_id,
        "ressource_nom": booking.resource.name,
        "lieu": booking.place.public_id,
        "lieu_nom": booking.place.name,
        "statut": STATUS_NAMES[booking.status],
        "debut": booking.starts_at,
        "fin": booking.ends_at,
        "places": booking.seats,
        "reglement": PAYMENT_NAMES[booking.payment],
        "montant_centimes": booking.price_cents,
        "unites_carnet": booking.pass_units,
        "presence": booking.checked_in_at,
        "proposition_expire": booking.offer_expires_at,
    }


def _refused(error: BookingError) -> Status:
    """Refused input is 422 with the field at fault, like every validation error of the API."""
    if error.status == 404:
        raise Http404(error.message)
    status = 422 if error.status == 400 else error.status
    fields = (
        [{"champ": error.field, "emplacement": ["body", error.field], "message": error.message}]
        if error.field
        else []
    )
    return Status(status, {"detail": error.message, "code": error.code, "erreurs": fields})


@router.get("/disponibilites", response=list[SlotOut], summary="Créneaux libres d'un lieu")
def availability(request: HttpRequest, query: Query[AvailabilityQuery]):
    place = get_or_404(
        Place.objects.filter(status=Place.Status.OPEN), "Lieu introuvable.", public_id=query.lieu
    )
    return [
        {
            "ressource": s.resource.pk,
            "ressource_nom": s.resource.name,
            "type": s.resource.kind,
            "date": s.day,
            "creneau": SLOT_NAMES[s.slot],
            "debut": s.starts_at,
            "fin": s.ends_at,
            "libres": 0 if s.closed_reason else s.free,
            "fermeture": s.closed_reason,
        }
        for s in selectors.place_availability(place, query.date, query.jours)
    ]


@router.post(
    "",
    response={201: BookingOut, 200: BookingOut, 401: Error, 409: Error, 422: Error},
    auth=django_auth,
    summary="Réserver (avec une clé d'idempotence pour les nouvelles tentatives)",
    description="En-tête `Idempotency-Key` : une nouvelle tentative avec la même clé et le "
    "même contenu renvoie la première réponse (200) sans réserver ni débiter deux fois ; "
    "un autre contenu → 422.",
)
def create_booking(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=100),
):
    resource = (
        Resource.objects.select_related("place__booking_settings")
        .filter(pk=payload.ressource)
        .first()
    )
    if resource is None:
        return Status(
            422,
            {
                "detail": "Ressource introuvable.",
                "code": "invalide",
                "erreurs": [
                    {
                        "champ": "ressource",
                        "emplacement": ["body", "ressource"],
                        "message": "ressource inconnue",
                    }
                ],
            },
        )
    try:
        booking, replayed = services.booking_create(
            user=request.user,
            request=services.BookingRequest(
                resource=resource,
                day=payload.date,
                slot=SLOTS[payload.creneau],
                start=payload.debut,
                end=payload.fin,
                seats=payload.places,
                payment=PAYMENTS[payload.paiement],
                pass_id=payload.carnet,
            ),
            idempotency_key=idempotency_key,
        )
    except BookingError as error:
        return _refused(error)
    return Status(200 if replayed else 201, booking_out(booking))


@router.get(
    "", response=list[BookingOut], auth=django_auth, summary="Mes réservations à venir et récentes"
)
def my_bookings(request: HttpRequest):
    since = timezone.now() - timedelta(days=90)
    rows = Booking.objects.filter(user=request.user, ends_at__gte=since).select_related(
        "resource", "place"
    )
    return [booking_out(b) for b in rows]


@router.get(
    "/lieu/{place_id}",
    response=list[BookingOut],
    auth=django_auth,
    summary="Réservations d'un lieu (équipe du lieu)",
)
def place_bookings(request: HttpRequest, place_id: UUID, du: BookingDay, au: BookingDay):
    place = Place.objects.filter(public_id=place_id).first()
    if place is None or not can_manage_bookings(request.user, place):
        raise Http404("Lieu introuvable.")
    if au < du or (au - du).days > 92:
        raise HttpError(422, "La période va de « du » à « au », 92 jours au plus.")
    agenda = selectors.agenda(place, du, (au - du).days + 1)
    return [booking_out(b) for row in agenda["rows"] for cell in row["cells"] for b in cell]


@router.get("/{booking_id}", response=BookingOut, auth=django_auth, summary="Une réservation")
def one_booking(request: HttpRequest, booking_id: UUID):
    try:
        return booking_out(services.booking_for(request.user, booking_id))
    except BookingError as error:
        raise Http404(error.message) from error


@router.post(
    "/{booking_id}/annulation",
    response={200: BookingOut, 409: Error, 422: Error},
    auth=django_auth,
    summary="Annuler",
)
def cancel_booking(request: HttpRequest, booking_id: UUID, payload: CancelIn):
    try:
        return booking_out(
            services.booking_cancel(actor=request.user, public_id=booking_id, reason=payload.motif)
        )
    except BookingError as error:
        return _refused(error)


@router.post(
    "/{booking_id}/presence",
    response={200: BookingOut, 409: Error, 422: Error},
    auth=django_auth,
    summary="Noter la présence (équipe du lieu)",
)
def check_in(request: HttpRequest, booking_id: UUID):
    try:
        return booking_out(services.booking_check_in(actor=request.user, public_id=booking_id))
    except BookingError as error:
        if error.status == 403:
            raise Http404("Réservation introuvable.") from error
        return _refused(error)
