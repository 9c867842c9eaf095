"""The events pages and API: agenda filters, register/cancel, organisers' pages and their 404s."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from maillage.events.models import Event, Registration
from maillage.events.services import registration_create
from maillage.places.opening_hours import PARIS
from tests.events.conftest import in_a_month, make_live_event
from tests.factories import IN_BAYEUX, OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db

# An anonymous visitor's agenda: the events with their place and commune, in one query.
QUERIES_AGENDA = 1
UNKNOWN_COMMUNE = (
    "Commune inconnue : « Zzyzx-sur-Mer ». Donnez son nom ou son code INSEE, ex. 14118."
)


@pytest.fixture
def other_place():
    from maillage.places.services import place_create

    other_manager = UserFactory()
    place = place_create(
        data=place_data(
            name="Le Hangar de Bayeux",
            operator=OrganisationFactory(managers=[other_manager]).pk,
            **IN_BAYEUX,
        )
    )
    place.test_manager = other_manager
    return place


def _titles(response) -> list[str]:
    return [event.title for event in response.context["events"]]


def test_agenda_filters_by_area_and_theme(client, manager, place, other_place):
    make_live_event(manager, place, title="Vélos à Caen")
    make_live_event(
        other_place.test_manager, other_place, title="Impression 3D à Bayeux", theme="numerique"
    )

    everything = client.get("/agenda/")
    caen = client.get("/agenda/", {"zone": "14118"})
    caen_by_name = client.get("/agenda/", {"zone": "Caen"})
    caen_by_postcode = client.get("/agenda/", {"zone": "14000"})
    unknown = client.get("/agenda/", {"zone": "Zzyzx-sur-Mer"})
    epci = client.get("/agenda/", {"zone": place.commune.epci.code})
    calvados_digital = client.get("/agenda/", {"zone": "14", "theme": "numerique"})
    elsewhere = client.get("/agenda/", {"zone": "76"})

    assert _titles(everything) == ["Vélos à Caen", "Impression 3D à Bayeux"]
    assert _titles(caen) == ["Vélos à Caen"]
    assert _titles(caen_by_name) == _titles(caen_by_postcode) == ["Vélos à Caen"]
    assert unknown.status_code == 400
    assert unknown.context["form"].errors["zone"] == [UNKNOWN_COMMUNE]
    assert _titles(epci) == ["Vélos à Caen"]
    assert _titles(calvados_digital) == ["Impression 3D à Bayeux"]
    assert _titles(elsewhere) == []
    features = everything.context["map_config"]["events"]
    assert [f["title"] for f in features] == ["Vélos à Caen", "Impression 3D à Bayeux"]


def test_agenda_bad_filters_400_french(client):
    response = client.get("/agenda/", {"du": "2026-12-10", "au": "2026-12-01", "theme": "x"})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["au"] == ["La date de fin de la période vient avant son début."]
    assert form.errors["theme"] == ["Sélectionnez un choix valide. x n’en fait pas partie."]


def test_agenda_date_range(client, manager, place):
    make_live_event(manager, place, title="Dans un mois")
    day = in_a_month()

    inside = client.get("/agenda/", {"du": day.isoformat(), "au": day.isoformat()})
    before = client.get("/agenda/", {"au": (day - timedelta(days=1)).isoformat()})
    after = client.get("/agenda/", {"du": (day + timedelta(days=1)).isoformat()})

    assert (_titles(inside), _titles(before), _titles(after)) == (["Dans un mois"], [], [])


@pytest.mark.parametrize("count", [1, 3])
def test_agenda_queries_do_not_grow_with_events(
    client, manager, place, count, django_assert_num_queries
):
    for number in range(count):
        make_live_event(manager, place, title=f"Atelier {number}")

    with django_assert_num_queries(QUERIES_AGENDA):
        response = client.get("/agenda/")

    assert len(response.context["events"]) == count


def test_edit_capacity_under_registrations_refused(client, manager, place):
    event = make_live_event(manager, place, capacity=3)
    for _ in range(2):
        registration_create(event=event, user=UserFactory())
    client.force_login(manager)
    start = event.starts_at.astimezone(PARIS)
    data = {
        "titre": "Atelier renommé",
        "date": start.date().isoformat(),
        "debut": "18:00",
        "fin": "20:00",
        "places": "1",
        "theme": "fabrication",
        "public": "tous",
    }

    refused = client.post(f"/evenements/{event.public_id}/modifier/", data)
    accepted = client.post(f"/evenements/{event.public_id}/modifier/", data | {"places": "2"})

    assert refused.status_code == 400
    assert refused.context["form"].errors["places"] == [
        "2 personnes sont déjà inscrites : le nombre de places ne peut pas descendre en dessous."
    ]
    assert accepted.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Atelier renommé", 2)


def test_register_then_cancel_from_the_event_page(client, manager, place):
    event = make_live_event(manager, place, capacity=1)
    person = UserFactory()
    client.force_login(person)

    registered = client.post(f"/evenements/{event.public_id}/inscription/", follow=True)
    twice = client.post(f"/evenements/{event.public_id}/inscription/", follow=True)

    assert [str(m) for m in registered.context["messages"]] == [
        "Inscription confirmée : un e-mail avec l'événement pour votre agenda suit."
    ]
    assert [str(m) for m in twice.context["messages"]] == [
        "Vous êtes déjà inscrit à cet événement (ou sur sa liste d'attente)."
    ]
    assert Registration.objects.get(user=person).status == "confirmed"

    cancelled = client.post(f"/evenements/{event.public_id}/desinscription/", follow=True)
    again = client.post(f"/evenements/{event.public_id}/desinscription/", follow=True)

    assert [str(m) for m in cancelled.context["messages"]] == ["Inscription annulée."]
    assert [str(m) for m in again.context["messages"]] == [
        "Vous n'étiez pas (ou plus) inscrit à cet événement."
    ]
    assert Registration.objects.get(user=person).status == "cancelled"


def test_register_full_event_goes_to_waiting_list(client, manager, place):
    event = make_live_event(manager, place, capacity=1)
    registration_create(event=event, user=UserFactory())
    person = UserFactory()
    client.force_login(person)

    response = client.post(f"/evenements/{event.public_id}/inscription/", follow=True)

    assert Registration.objects.get(user=person).status == "waiting"
    assert response.context["registration"].position == 1


def test_event_form_publishes_for_own_place(client, manager, place):
    client.force_login(manager)
    day = in_a_month()

    response = client.post(
        "/evenements/nouveau/",
        {
            "organisateur": str(place.public_id),
            "titre": "Café des indépendants",
            "date": day.isoformat(),
            "debut": "09:00",
            "fin": "10:30",
            "places": "15",
            "theme": "convivialite",
            "public": "tous",
            "prix": "2,50",
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/evenements/{event.public_id}/"
    assert (event.place, event.capacity, event.price_cents) == (place, 15, 250)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"places": "0"}, "places", "Le nombre de places va de 1 à 10 000."),
        ({"places": "99999"}, "places", "Le nombre de places va de 1 à 10 000."),
        ({"fin": "08:00"}, "fin", "La fin doit venir après le début."),
        ({"date": "2020-01-01"}, "debut", "Le début de l'événement est déjà passé."),
        ({"organisateur": "reseau"}, "organisateur", "Choisissez un organisateur de la liste."),
    ],
)
def test_event_form_bad_input_french_and_nothing_saved(
    client, manager, place, changes, field, message
):
    client.force_login(manager)
    data = {
        "organisateur": str(place.public_id),
        "titre": "Café",
        "date": in_a_month().isoformat(),
        "debut": "09:00",
        "fin": "10:30",
        "places": "15",
        "theme": "convivialite",
        "public": "tous",
    }

    response = client.post("/evenements/nouveau/", data | changes)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Event.objects.count() == 0


def test_other_team_gets_404_on_organiser_pages(client, manager, place, other_place):
    event = make_live_event(manager, place)
    registration_create(event=event, user=UserFactory())
    client.force_login(other_place.test_manager)

    urls = [
        reverse("events:edit", kwargs={"public_id": event.public_id}),
        reverse("events:registrations", kwargs={"public_id": event.public_id}),
        reverse("events:registrations-csv", kwargs={"public_id": event.public_id}),
    ]
    statuses = [client.get(url).status_code for url in urls]
    cancel = client.post(reverse("events:cancel", kwargs={"public_id": event.public_id}))
    edit = client.post(urls[0], {"titre": "Piraté"})

    assert statuses == [404, 404, 404]
    assert (cancel.status_code, edit.status_code) == (404, 404)
    event.refresh_from_db()
    assert (event.title, event.status) == ("Atelier réparation de vélos", "published")


def test_registrations_csv_lists_people(client, manager, place):
    event = make_live_event(manager, place)
    registration_create(event=event, user=UserFactory(display_name="=Alice", email="a@ex.fr"))
    client.force_login(manager)

    response = client.get(
        reverse("events:registrations-csv", kwargs={"public_id": event.public_id})
    )

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "nom;e-mail;statut;inscrit le;présence"
    assert lines[1].split(";")[:3] == ["'=Alice", "a@ex.fr", "inscrit"]
    assert len(lines) == 2


def test_place_page_shows_upcoming_events(client, manager, place):
    make_live_event(manager, place, title="Soirée portes ouvertes")

    response = client.get(f"/lieux/{place.public_id}/")

    assert response.status_code == 200
    assert "Soirée portes ouvertes" in response.content.decode()
    assert f"/lieux/{place.public_id}/evenements.ics" in response.content.decode()


def test_api_lists_upcoming_events_without_attendees(client, manager, place):
    event = make_live_event(manager, place, capacity=2)
    registration_create(event=event, user=UserFactory(email="cachee@exemple.fr"))

    response = client.get("/api/evenements", {"zone": "14"})
    bad = client.get("/api/evenements", {"theme": "poker"})

    assert response.status_code == 200
    body = response.json()
    assert [(e["titre"], e["places_restantes"], e["lieu_nom"]) for e in body] == [
        ("Atelier réparation de vélos", 1, "La Fabrique du Port")
    ]
    assert "cachee@exemple.fr" not in response.content.decode()
    assert bad.status_code == 422


def test_registrations_page_records_attendance_after_start_and_shows_erased(client, manager, place):
    from datetime import UTC, datetime

    from maillage.events.services import registrations_erase
    from tests.events.conftest import make_event

    event = make_event(manager, place, now=datetime(2026, 1, 1, tzinfo=UTC), day=date(2026, 6, 2))
    before = event.starts_at - timedelta(days=1)
    kept, erased = UserFactory(display_name="Dominique"), UserFactory()
    registration = registration_create(event=event, user=kept, now=before)
    registration_create(event=event, user=erased, now=before)
    registrations_erase(erased)
    client.force_login(manager)
    url = reverse("events:registrations", kwargs={"public_id": event.public_id})

    recorded = client.post(url, {"inscription": registration.pk, "presence": "present"})
    bad = client.post(url, {"inscription": "x", "presence": "peut-être"})
    page = client.get(url)

    assert recorded.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == "present"
    assert bad.status_code == 400
    rows = [
        (r.user.display_name if r.user else None, r.attendance)
        for r in page.context["registrations"]
    ]
    assert rows == [("Dominique", "present"), (None, "")]
    assert "Compte supprimé" in page.content.decode()


def test_mine_and_manage_show_only_ones_own(client, manager, place, other_place):
    ours = make_live_event(manager, place, title="Chez nous")
    theirs = make_live_event(other_place.test_manager, other_place, title="Chez eux")
    registration_create(event=theirs, user=manager)

    client.force_login(manager)
    mine = client.get("/evenements/mes-inscriptions/")
    manage = client.get("/evenements/organiser/")
    client.force_login(UserFactory())
    stranger_new = client.get("/evenements/nouveau/")
    stranger_manage = client.get("/evenements/organiser/")

    assert [r.event.title for r in mine.context["registrations"]] == ["Chez eux"]
    assert [e.title for e in manage.context["events"]] == [ours.title]
    assert stranger_new.status_code == 404
    assert (stranger_manage.status_code, list(stranger_manage.context["events"])) == (200, [])


def test_anonymous_is_sent_to_login_and_changes_nothing(client, manager, place):
    event = make_live_event(manager, place)
    pid = event.public_id
    gets = ["/evenements/mes-inscriptions/", "/evenements/organiser/", "/evenements/nouveau/"]
    gets += [f"/evenements/{pid}/{tail}" for tail in ("modifier/", "inscrits/", "inscrits.csv")]
    posts = [
        f"/evenements/{pid}/{tail}" for tail in ("inscription/", "desinscription/", "annuler/")
    ]

    answers = [client.get(url) for url in gets] + [client.post(url) for url in posts]

    assert [(r.status_code, r["Location"].split("?")[0]) for r in answers] == [
        (302, "/compte/connexion")
    ] * len(answers)
    event.refresh_from_db()
    assert (event.status, event.registrations.count()) == ("published", 0)
