"""Data for runs of the production recipe, written through the services. Imported by the
scripts that tests/production/stack.py runs in `manage.py shell` (the project root is on the
path there), and by browser tests that need a signed-in session without the login form."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from maillage.accounts.models import User
from maillage.booking.models import Resource
from maillage.booking.offer_services import booking_settings_ensure, resource_create
from maillage.places.models import Place
from maillage.places.services import place_create


def session_for(user) -> str:
    """The key of a new signed-in session of `user` (the cookie value)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def members_with_sessions(count: int, domain: str) -> list[dict]:
    """`count` members (membreN@domain), each with a signed-in session."""
    members = []
    for n in range(count):
        user = User.objects.create_user(email=f"membre{n}@{domain}", password=None)
        members.append({"user": user.pk, "session": session_for(user)})
    return members


def bookable_place(name: str, *, desks: int, resources: list[dict]) -> tuple[Place, list[int]]:
    """A coworking in Caen open around the clock, with the given resources bookable by the day
    or half-day; returns the place and the resources' ids, in order."""
    place = place_create(
        data={
            "name": name, "status": "ouvert", "kinds": ["coworking"], "services": [],
            "labels": [], "address": "12 quai Vendeuvre", "postal_code": "14000",
            "latitude": 49.1806, "longitude": -0.3540, "opening_hours": "24/7",
            "open_space_desks": desks,
        }
    )  # fmt: skip
    booking_settings_ensure(place=place)
    ids = [
        resource_create(place=place, data={"by_day": True, "by_half_day": True, **resource}).pk
        for resource in resources
    ]
    return place, ids


OPEN_SPACE = Resource.Kind.OPEN_SPACE
MEETING_ROOM = Resource.Kind.MEETING_ROOM
