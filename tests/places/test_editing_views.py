import pytest

from maillage.places.services import place_edit
from tests.factories import UserFactory
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db


def form_data(place, **overrides):
    data = {
        "name": place.name,
        "kinds": ["coworking"],
        "status": "ouvert",
        "latitude": "49.1806",
        "longitude": "-0.354",
        "postal_code": "14000",
        "operator": str(place.operator_id),
        "opening_hours": "Mo-Fr 09:00-18:00",
        "open_space_desks": "20",
        "services": ["tres-haut-debit"],
    }
    data.update(overrides)
    return data


def test_change_page_requires_sign_in(client, place):
    response = client.get(f"/lieux/{place.public_id}/modifier/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion")


def test_manager_edits_through_the_form(client, manager, place):
    client.force_login(manager)
    page = client.get(f"/lieux/{place.public_id}/modifier/")
    assert page.status_code == 200
    assert 'value="Mo-Fr 09:00-18:00"' in page.content.decode()
    response = client.post(
        f"/lieux/{place.public_id}/modifier/", form_data(place, opening_hours="Mo-Sa 08:00-20:00")
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Sa 08:00-20:00"


def test_form_errors_are_shown_in_french_and_nothing_is_saved(client, manager, place):
    client.force_login(manager)
    response = client.post(
        f"/lieux/{place.public_id}/modifier/",
        form_data(place, latitude="49.9", longitude="-1.2", opening_hours="9h-18h"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient des erreurs : rien n'a été enregistré." in html
    assert "aucune commune du territoire chargé" in html
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Fr 09:00-18:00"


def test_contributor_form_submission_becomes_a_proposal(client, place):
    client.force_login(UserFactory())
    response = client.post(f"/lieux/{place.public_id}/modifier/", form_data(place, name="Autre"))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "La Fabrique du Port"
    assert place.proposals.get().snapshot["name"] == "Autre"


def test_history_shows_before_and_after_and_coordinator_restores(client, manager, place):
    place_edit(user=manager, place=place, data={"name": "Nom modifié"})
    client.force_login(manager)
    html = client.get(f"/lieux/{place.public_id}/historique/").content.decode()
    assert "Version 2" in html and "La Fabrique du Port" in html and "Nom modifié" in html
    assert "Restaurer la version 1" not in html  # managers cannot restore
    assert client.post(f"/lieux/{place.public_id}/historique/1/restaurer/").status_code == 404

    client.force_login(UserFactory(coordinator=True))
    response = client.post(f"/lieux/{place.public_id}/historique/1/restaurer/")
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "La Fabrique du Port"


def test_history_is_hidden_from_other_users(client, place):
    client.force_login(UserFactory())
    assert client.get(f"/lieux/{place.public_id}/historique/").status_code == 404


def test_moderation_queue_accept_and_reject(
    client, place, mailoutbox, django_capture_on_commit_callbacks
):
    contributor = UserFactory()
    client.force_login(contributor)
    client.post(f"/lieux/{place.public_id}/modifier/", form_data(place, name="Proposé"))
    assert client.get("/moderation/").status_code == 404

    client.force_login(UserFactory(coordinator=True))
    html = client.get("/moderation/").content.decode()
    assert "Correction de « La Fabrique du Port »" in html and "Proposé" in html
    proposal = place.proposals.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/moderation/{proposal.pk}/", {"decision": "refuser", "motif": ""})
    proposal.refresh_from_db()
    assert proposal.status == "attente"  # a refusal without reason is refused
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/moderation/{proposal.pk}/", {"decision": "refuser", "motif": "Doublon."})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == ("refusee", "Doublon.")
    assert deliver()[-1].to == [contributor.email]


def test_coordinator_manages_the_catalogue_in_the_administration(client):
    coordinator = UserFactory(coordinator=True, is_staff=True)
    client.force_login(coordinator)
    response = client.get("/admin/places/service/")
    assert response.status_code == 200
    assert "Imprimante 3D" in response.content.decode()
    manager = UserFactory(is_staff=True)
    client.force_login(manager)
    assert client.get("/admin/places/service/").status_code == 403
