"""Saving studies: versions never edited, a clear conflict when someone saved meanwhile or the
name is someone else's, the API's 201/409/422 with field paths, concurrent saves on both
databases (one version each or a conflict, never a crash)."""

import json
from collections import Counter

import pytest
from django.test import Client

from maillage.observatory.models import SavedStudy
from maillage.observatory.services import StudyConflict, study_save
from maillage.observatory.study.document import study_from_dict, study_to_dict
from tests.factories import UserFactory
from tests.observatory.test_scenario_concurrency import race
from tests.observatory.test_study_document import _document

URL = "/api/observatoire/etudes"


def _study(**changes):
    return study_from_dict(_document(**changes))


@pytest.mark.django_db
def test_each_save_adds_a_version_and_keeps_the_document():
    author = UserFactory()
    first = study_save(user=author, study=_study())
    second = study_save(
        user=author, study=_study(libelle="Bessin, deuxième lecture"), read_version=1
    )
    assert (first.version, second.version) == (1, 2)
    assert study_from_dict(first.data) == _study()
    assert SavedStudy.objects.get(pk=first.pk).label == "Bessin, horizon 2036"


@pytest.mark.django_db
def test_a_save_from_an_old_version_is_told_what_happened():
    author = UserFactory()
    study_save(user=author, study=_study())
    study_save(user=author, study=_study(), read_version=1)
    with pytest.raises(StudyConflict) as caught:
        study_save(user=author, study=_study(), read_version=1)
    assert caught.value.message == (
        "Étude « bessin-2036 » : la version 2 a été enregistrée depuis que vous avez ouvert la "
        "version 1 ; rouvrir la dernière version avant d'enregistrer (vos saisies ne sont pas "
        "perdues : elles restent dans le formulaire)."
    )
    assert SavedStudy.objects.named("bessin-2036").count() == 2


@pytest.mark.django_db
def test_someone_elses_name_is_refused():
    study_save(user=UserFactory(), study=_study())
    with pytest.raises(StudyConflict) as caught:
        study_save(user=UserFactory(), study=_study())
    assert caught.value.message == (
        "Nom de l'étude : « bessin-2036 » appartient à quelqu'un d'autre ; choisir un autre nom."
    )


@pytest.mark.django_db
def test_the_api_saves_reads_and_refuses_with_field_paths():
    client = Client()
    assert (
        client.post(URL, json.dumps(_document()), content_type="application/json").status_code
        == 401
    )
    client.force_login(UserFactory())
    response = client.post(URL, json.dumps(_document()), content_type="application/json")
    assert (response.status_code, response.json()) == (201, {"nom": "bessin-2036", "version": 1})
    read = client.get(f"{URL}/bessin-2036").json()
    assert read["version"] == 1
    assert study_from_dict(read) == _study()
    bad = _document(horizons=[{"annee": 2031}, {"annee": 2026}])
    bad["zones_externes"][0]["nom"] = ""
    response = client.post(URL, json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    assert [(e["champ"], e["emplacement"]) for e in response.json()["erreurs"]] == [
        ("zones_externes.0.nom", ["body", "zones_externes", "0", "nom"]),
        ("horizons.1.annee", ["body", "horizons", "1", "annee"]),
    ]
    response = client.post(
        f"{URL}?version_lue=0", json.dumps(_document()), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["erreurs"][0]["champ"] == "nom"
    assert SavedStudy.objects.count() == 1
    assert client.get(f"{URL}/inconnue").status_code == 404
    assert client.get(f"{URL}/bessin-2036?version=7").status_code == 404
    assert client.get(f"{URL}/BAD NAME").status_code in (404, 422)
    for garbage in ("[]", '"x"', "null", "{", '{"horizons": "2030"}'):
        response = client.post(URL, garbage, content_type="application/json")
        assert response.status_code in (400, 422), garbage
    assert [row["nom"] for row in client.get(URL).json()] == ["bessin-2036"]


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_saves_of_one_study_get_a_version_each(reference_geography):
    author = UserFactory()
    document = study_to_dict(_study())
    outcomes = race([lambda: study_save(user=author, study=study_from_dict(document)).version] * 20)
    assert Counter(o[0] for o in outcomes) == {"ok": 20}, outcomes
    assert sorted(o[1] for o in outcomes) == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_the_same_read_version_one_wins_the_others_are_told(
    reference_geography,
):
    author = UserFactory()
    study_save(user=author, study=_study())
    outcomes = race([lambda: study_save(user=author, study=_study(), read_version=1).version] * 10)
    assert Counter(o[0] for o in outcomes) == {"ok": 1, "refused": 9}, outcomes
    assert {o[1] for o in outcomes if o[0] == "refused"} == {"name"}
    assert list(SavedStudy.objects.named("bessin-2036").values_list("version", flat=True)) == [2, 1]


@pytest.mark.django_db
def test_the_api_computes_a_sent_or_saved_study_with_full_precision():
    from django.core.cache import cache

    from maillage.observatory.study.compute import study_compute
    from tests.observatory.test_study_compute import _document as computable

    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post(
        f"{URL}/calcul", json.dumps(computable()), content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "maillage-etude-resultats"
    expected = study_compute(study_from_dict(computable()))
    cells = {(cell["annee"], cell["scenario"]): cell for cell in body["resultats"]}
    assert cells.keys() == {(year, name) for year, name in expected.cells}
    for (year, name), cell in expected.cells.items():
        assert cells[year, name]["totaux"] == pytest.approx(cell.totals, rel=1e-12)
    assert SavedStudy.objects.count() == 0  # computed, not saved
    # A saved study's results; a commune the database does not know is a 422 on its field.
    study_save(user=user, study=study_from_dict(computable()))
    assert client.get(f"{URL}/bessin-2036/resultats").status_code == 200
    unknown = computable(perimetre={"echelon": "communes", "communes": ["14999"]})
    response = client.post(f"{URL}/calcul", json.dumps(unknown), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["erreurs"][0]["champ"] == "perimetre.communes"
    # One computation at a time per account.
    cache.add(f"observatory-study:{user.pk}", "another run", 60)
    response = client.post(
        f"{URL}/calcul", json.dumps(computable()), content_type="application/json"
    )
    assert response.status_code == 429
    assert client.post(f"{URL}/calcul", "{", content_type="application/json").status_code == 422


@pytest.mark.django_db
def test_the_api_refuses_what_the_web_refuses():
    from tests.observatory.test_study_compute import AGY
    from tests.observatory.test_study_compute import _document as computable

    client = Client()
    client.force_login(UserFactory())
    for document, field in (
        (computable(nom="nouvelle"), "nom"),
        (
            computable(perimetre={"echelon": "communes", "communes": ["14999"]}),
            "perimetre.communes",
        ),
        (computable(donnees={AGY: {"independants": 10**6}}), f"donnees.{AGY}.independants"),
    ):
        response = client.post(URL, json.dumps(document), content_type="application/json")
        assert response.status_code == 422, document
        assert response.json()["erreurs"][0]["champ"] == field
    assert not SavedStudy.objects.exists()


@pytest.mark.django_db
def test_a_coordinators_version_does_not_lock_the_author_out():
    from django.contrib.auth.models import Group

    from maillage.places.permissions import COORDINATORS_GROUP

    author, coordinator = UserFactory(), UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
    study_save(user=author, study=_study())
    study_save(user=coordinator, study=_study(), read_version=1)
    assert study_save(user=author, study=_study(), read_version=2).version == 3
    with pytest.raises(StudyConflict):
        study_save(user=UserFactory(), study=_study())
