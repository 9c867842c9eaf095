"""« Mon profil de déplacement »: set, change and clear the two communes."""

from datetime import datetime

import pytest

from maillage.accounts.services import commute_profile_clear
from maillage.booking.models import Booking, Payment, Resource, Unit
from maillage.places.opening_hours import PARIS
from maillage.territory.models import Commune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/compte/profil-de-deplacement"


@pytest.fixture
def communes():
    return {code: Commune.objects.get(code=code) for code in ("14047", "76540", "14118")}


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def booking_for(user, place, *, home=None, work=None) -> Booking:
    desk = Resource.objects.create(
        place=place, kind=Resource.Kind.OPEN_SPACE, name="Espace", capacity=5
    )
    return Booking.objects.create(
        resource=desk,
        place=place,
        exclusive=False,
        user=user,
        unit=Unit.DAY,
        starts_at=datetime(2026, 12, 1, 9, tzinfo=PARIS),
        ends_at=datetime(2026, 12, 1, 18, tzinfo=PARIS),
        payment=Payment.ON_SITE,
        home_commune=home,
        work_commune=work,
    )


def test_commute_profile_needs_an_account(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion?next={URL}"


def test_commute_profile_page_explains_why_and_labels_fields(client, person):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Mon profil de déplacement</h1>" in page
    assert "Facultatif." in page
    assert "Seuls des totaux sont publiés" in page
    assert '<label for="id_residence">Commune de résidence (facultative)</label>' in page
    assert '<label for="id_travail">Commune de travail habituelle (facultative)</label>' in page
    # The hint is referenced by Django's own id, and only while it exists.
    assert 'aria-describedby="id_residence_helptext"' in page
    assert '<p class="hint" id="id_residence_helptext">' in page
    assert "Aucune commune enregistrée." in page
    # Nothing to erase yet: no erase buttons.
    assert 'value="effacer"' not in page


def test_commute_profile_saves_by_name_postcode_or_code(client, person, communes):
    response = client.post(URL, {"residence": "Bayeux", "travail": "76000"})
    assert response.status_code == 302
    assert response["Location"] == URL
    person.refresh_from_db()
    assert (person.home_commune, person.work_commune) == (communes["14047"], communes["76540"])
    page = client.get(URL).content.decode()
    assert "Profil de déplacement enregistré." in page
    assert "Bayeux (14047, Calvados)" in page
    # The fields show the communes back with their code, and sending them again keeps them.
    assert 'value="Bayeux (14047)"' in page
    assert 'value="Rouen (76540)"' in page
    client.post(URL, {"residence": "Bayeux (14047)", "travail": "Rouen (76540)"})
    person.refresh_from_db()
    assert (person.home_commune, person.work_commune) == (communes["14047"], communes["76540"])
    client.post(URL, {"residence": "14118", "travail": ""})
    person.refresh_from_db()
    assert (person.home_commune, person.work_commune) == (communes["14118"], None)


def test_commute_profile_refuses_unknown_and_ambiguous_communes(client, person):
    response = client.post(URL, {"residence": "Zzyzx-sur-Mer", "travail": "Saint-Mart"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le formulaire contient des erreurs : rien n'a été enregistré." in page
    assert "Commune inconnue : « Zzyzx-sur-Mer »" in page
    assert "Plusieurs communes correspondent à « Saint-Mart »" in page
    person.refresh_from_db()
    assert (person.home_commune, person.work_commune) == (None, None)


def test_clearing_the_profile_keeps_past_bookings(client, person, communes, place):
    person.home_commune, person.work_commune = communes["14047"], communes["76540"]
    person.save()
    booking = booking_for(person, place, home=communes["14047"], work=communes["76540"])
    page = client.get(URL).content.decode()
    assert 'value="effacer"' in page and 'value="effacer-tout"' in page
    response = client.post(URL, {"action": "effacer"})
    assert response.status_code == 302
    person.refresh_from_db()
    booking.refresh_from_db()
    assert (person.home_commune, person.work_commune) == (None, None)
    assert (booking.home_commune, booking.work_commune) == (communes["14047"], communes["76540"])
    # The page still offers to erase what the bookings kept.
    page = client.get(URL).content.decode()
    assert "Communes effacées de votre profil." in page
    assert 'value="effacer-tout"' in page


def test_clearing_everything_erases_the_bookings_copies(client, person, communes, place):
    person.home_commune = communes["14047"]
    person.save()
    mine = booking_for(person, place, home=communes["14047"], work=communes["76540"])
    other = UserFactory()
    theirs = booking_for(other, place, home=communes["14047"], work=communes["76540"])
    response = client.post(URL, {"action": "effacer-tout"})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.home_commune, mine.work_commune) == (None, None)
    assert (theirs.home_commune, theirs.work_commune) == (communes["14047"], communes["76540"])
    page = client.get(URL).content.decode()
    assert "Communes effacées de votre profil et de vos réservations (1 réservation(s)" in page
    assert 'value="effacer-tout"' not in page


def test_commute_profile_clear_service_counts_bookings(communes, place):
    user = UserFactory(home_commune=communes["14047"])
    booking_for(user, place, home=communes["14047"])
    booking_for(user, place)
    assert commute_profile_clear(user=user) == 0
    assert commute_profile_clear(user=user, past_bookings=True) == 1


def test_commute_profile_page_takes_few_queries(
    client, person, communes, django_assert_num_queries
):
    person.home_commune, person.work_commune = communes["14047"], communes["76540"]
    person.save()
    # Session, user, the header's role check (coordination menu), user with communes and
    # départements, bookings with communes.
    with django_assert_num_queries(7):
        client.get(URL)


def test_my_bookings_page_links_to_the_profile(client, person):
    page = client.get("/reserver/mes-reservations/").content.decode()
    assert f'href="{URL}"' in page
