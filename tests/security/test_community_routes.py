"""Every page and endpoint of the community and demand apps (issue 14), listed from the URL
resolver, answers garbage with a 4xx or a page, never a 500: as an anonymous visitor, a member and
a coordinator; GET with absurd query strings, POST with absurd fields, unknown and odd ids."""

import uuid

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from maillage.events.services import registration_create
from maillage.managers.services import post_create
from tests.community.conftest import make_profile
from tests.consultation.conftest import live_window, make_consultation
from tests.events.conftest import make_live_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMESPACES = ("events", "community", "managers", "demand", "consultation")
API_PATHS = (
    "/api/evenements",
    "/api/membres",
    "/api/consultations/{uuid}/resultats",
    "/api/observatoire/territoires/departement/14/demande",
    "/api/observatoire/territoires/commune/%C2%B2/demande",
)
ODD = "²\u202e<script>" + "9" * 40
QUERY = {
    "page": "²",
    "du": "9999-99-99",
    "au": "0000-01-01",
    "zone": ODD,
    "theme": ODD,
    "q": "x" * 5000,
    "categorie": ODD,
    "lieu": "pas-un-uuid",
    "classement": ODD,
    "echelon": ODD,
}
FIELDS = {
    "page": "²",
    "block": "²",
    "titre": "x" * 20_000,
    "title": "x" * 20_000,
    "body": "x" * 200_000,
    "message": "x" * 200_000,
    "places": "-1",
    "capacite": "9" * 40,
    "jours": "9" * 400,
    "commune": ODD,
    "debut": "25:61",
    "jour": "0001-01-01",
    "points": "1e999",
    "email": "pas-une-adresse",
    "emails": "a@b.fr\n" * 500,
    "option": ODD,
    "registration": "²",
    "present": ODD,
    "decision": ODD,
    "visible": ODD,
    "reason": ODD,
    "motif": ODD,
    "mapping": "{",
    "token": ODD,
}


def _fill(converters: dict, real_uuid=None, real_int=None) -> dict:
    kwargs = {}
    for name, converter in converters.items():
        kind = type(converter).__name__
        if kind == "UUIDConverter":
            kwargs[name] = real_uuid or uuid.uuid4()
        elif kind == "IntConverter":
            kwargs[name] = real_int or 2**62
        elif kind == "PathConverter":
            kwargs[name] = "a/b"
        else:
            kwargs[name] = "x²"
    return kwargs


def _reverse(name: str, entry: URLPattern, real_uuid=None, real_int=None) -> str:
    """Garbage by converter (path()); for a regular expression (re_path()), the first candidate
    its groups accept: the largest id, then a UUID, then a word."""
    converters = entry.pattern.converters
    if converters:
        return reverse(name, kwargs=_fill(converters, real_uuid, real_int))
    groups = list(entry.pattern.regex.groupindex)
    for candidate in (str(real_int or "9" * 18), str(real_uuid or uuid.uuid4()), "x"):
        try:
            return reverse(name, kwargs=dict.fromkeys(groups, candidate))
        except NoReverseMatch:
            continue
    raise AssertionError(f"{name}: no garbage fits {entry.pattern}")


def routes(real_uuids=(None,), real_ints=(None,), namespaces=NAMESPACES) -> list[str]:
    """Every route of the apps, once with garbage ids and once per real id given (a real id
    reaches the code behind the lookup: forms, services, permissions)."""
    paths = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace in namespaces and entry.name:
                for real_uuid in real_uuids:
                    for real_int in real_ints:
                        paths.append(
                            _reverse(f"{namespace}:{entry.name}", entry, real_uuid, real_int)
                        )

    walk(get_resolver().url_patterns, None)
    return sorted(set(paths))


def test_every_route_of_the_issue_14_apps_is_listed():
    listed = routes()
    for namespace, prefix in (
        ("events", "/agenda/"),
        ("community", "/membres/"),
        ("managers", "/gestionnaires/"),
        ("demand", "/je-veux-un-lieu/"),
        ("consultation", "/consultations/"),
    ):
        assert prefix in listed, namespace
    assert len(listed) >= 50


@pytest.fixture
def world(manager, place):
    """Real objects behind the ids: a place's event with a registration, an open consultation,
    a visible member, a post of the managers' space."""
    coordinator = UserFactory(coordinator=True)
    event = make_live_event(manager, place)
    member = UserFactory()
    registration_create(event=event, user=member)
    consultation = make_consultation(coordinator, **live_window())
    profile = make_profile(member, display_name="Membre visible")
    post = post_create(user=manager, title="Bonne pratique", body="Texte", category="actualite")
    return {
        "coordination": coordinator,
        "gestion": manager,
        "membre": member,
        "uuids": (None, event.public_id, consultation.public_id, profile.public_id),
        "ints": (None, post.pk),
    }


@pytest.mark.parametrize("role", ["anonyme", "membre", "gestion", "coordination"])
def test_garbage_never_gives_a_500(client, world, role):
    if role != "anonyme":
        client.force_login(world[role])
    failures = []
    for path in routes(world["uuids"], world["ints"]):
        for method in ("get", "post"):
            data = QUERY if method == "get" else FIELDS
            response = getattr(client, method)(path, data)
            if response.status_code >= 500:
                failures.append((method, path, response.status_code))
    for path in API_PATHS:
        path = path.format(uuid=uuid.uuid4())
        for response in (client.get(path, QUERY), client.put(path, "{", "application/json")):
            if response.status_code >= 500:
                failures.append(("api", path, response.status_code))
    assert failures == []
