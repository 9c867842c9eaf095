import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.places.catalogue_seed import KINDS, LABELS, SERVICES
from maillage.places.opendata.vocabulary import Mapped, Vocabulary, map_vocabulary

SEEDED = Vocabulary.seeded()
CATALOGUE = {
    "kinds": {slug for slug, _name, _tag in KINDS},
    "services": {slug for slug, _name, _icon in SERVICES},
    "labels": {slug for slug, _name, _description in LABELS},
}
DEFAULT_NOTE_GIVEN = "aucun type reconnu : type « tiers-lieu » par défaut"
DEFAULT_NOTE_ABSENT = "type absent : type « tiers-lieu » par défaut"


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        # our slugs and names
        ("coworking", "coworking"),
        ("living-lab", "living-lab"),
        ("Espace de coworking", "coworking"),
        ("Fablab, atelier de fabrication", "fablab"),
        ("Tiers-lieu multi-activités", "tiers-lieu"),
        ("TÉLÉCENTRE", "telecentre"),
        # OSM tags: the catalogue's own tags first, then the tag's value
        ("amenity=coworking_space", "coworking"),
        ("office=coworking", "telecentre"),  # the seed gives this tag to télécentre
        ("leisure=hackerspace", "fablab"),
        ("coworking_space", "coworking"),
        # CGET 2019 TYPO
        ("Tiers lieux à dominante coworking", "coworking"),
        ("Tiers lieux à dominante fablab", "fablab"),
        # data.inclusion typologies
        ("TIERS_LIEUX", "tiers-lieu"),
        ("FABLAB", "fablab"),
        # free text
        ("co-working", "coworking"),
        ("Coworking space", "coworking"),
        ("télécentre", "telecentre"),
        ("Fab Lab", "fablab"),
        ("EPN", "epn"),
        ("espace public numérique", "epn"),
        ("living lab", "living-lab"),
        ("tiers lieu", "tiers-lieu"),
        ("Tiers-Lieux", "tiers-lieu"),
    ],
)
def test_kinds_exact_matches_need_no_note(value, slug):
    assert SEEDED.map(kinds=[value]) == Mapped(
        kinds=[slug], services=[], labels=[], unmatched={}, notes=[]
    )


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("Espace de cowworking", "coworking"),
        ("Télécentres", "telecentre"),
        ("Fablabb", "fablab"),
        ("Espace public numériques", "epn"),
    ],
)
def test_kinds_fuzzy_matches_are_noted(value, slug):
    assert SEEDED.map(kinds=[value]) == Mapped(
        kinds=[slug],
        services=[],
        labels=[],
        unmatched={},
        notes=[f"type « {value} » lu comme « {slug} »"],
    )


def test_kinds_without_match_are_kept_and_default_to_tiers_lieu():
    assert SEEDED.map(kinds=["Boulangerie", "Café associatif"]) == Mapped(
        kinds=["tiers-lieu"],
        services=[],
        labels=[],
        unmatched={"types de lieu": ["Boulangerie", "Café associatif"]},
        notes=[DEFAULT_NOTE_GIVEN],
    )


def test_kinds_absent_default_to_tiers_lieu_with_a_note():
    assert SEEDED.map() == Mapped(
        kinds=["tiers-lieu"], services=[], labels=[], unmatched={}, notes=[DEFAULT_NOTE_ABSENT]
    )


def test_kinds_keep_order_without_duplicates():
    mapped = SEEDED.map(kinds=["Fab Lab", "coworking", "FABLAB", "co-working", "Tiers lieu"])
    assert mapped.kinds == ["fablab", "coworking", "tiers-lieu"]


def test_typologie_codes_map_to_kinds_labels_or_free_text():
    assert SEEDED.map(typologie=["TIERS_LIEUX", "ASSO", "FABLAB", "RFS", "EPI", "MUNI"]) == Mapped(
        kinds=["tiers-lieu", "fablab", "epn"],
        services=[],
        labels=["france-services"],
        unmatched={"Typologie": ["ASSO", "MUNI"]},
        notes=[],
    )


# --- services ---------------------------------------------------------------------------------


def test_national_services_v1_map_to_mediation_and_are_kept():
    mapped = SEEDED.map(
        kinds=["coworking"],
        services=["Aide aux démarches administratives", "Loisirs et créations numériques"],
    )
    assert mapped == Mapped(
        kinds=["coworking"],
        services=["mediation-numerique"],
        labels=[],
        unmatched={
            "Services": ["Aide aux démarches administratives", "Loisirs et créations numériques"]
        },
        notes=[],
    )


def test_national_services_v0_are_translated_to_v1_when_v1_has_the_same_value():
    mapped = SEEDED.map(
        kinds=["coworking"],
        services=[
            "Prendre en main un ordinateur",
            "Utiliser le numérique au quotidien",
            "Accéder à du matériel",
            "Créer et développer mon entreprise",
            "Promouvoir la citoyenneté numérique",
        ],
    )
    assert mapped == Mapped(
        kinds=["coworking"],
        services=["mediation-numerique", "accompagnement-creation"],
        labels=[],
        unmatched={
            "Services": [
                "Maîtrise des outils numériques du quotidien",
                "Accès internet et matériel informatique",
            ],
            "Services (schéma v0)": [
                "Créer et développer mon entreprise",
                "Promouvoir la citoyenneté numérique",
            ],
        },
        notes=[],
    )


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("tres-haut-debit", "tres-haut-debit"),
        ("Connexion très haut débit", "tres-haut-debit"),
        ("wifi", "tres-haut-debit"),
        ("Wi-Fi", "tres-haut-debit"),
        ("Imprimante 3D", "imprimante-3d"),
        ("Médiation numérique", "mediation-numerique"),
        ("Garage à vélos", "velo"),
        ("Accès 24h/24", "acces-24h"),
    ],
)
def test_services_exact_matches(value, slug):
    assert SEEDED.map(kinds=["coworking"], services=[value]).services == [slug]


def test_services_fuzzy_and_unmatched():
    mapped = SEEDED.map(kinds=["coworking"], services=["Visioconférences", "Sauna"])
    assert mapped == Mapped(
        kinds=["coworking"],
        services=["visioconference"],
        labels=[],
        unmatched={"services": ["Sauna"]},
        notes=["service « Visioconférences » lu comme « visioconference »"],
    )


# --- labels and programmes --------------------------------------------------------------------


def test_labels_national_programmes_and_free_text():
    mapped = SEEDED.map(
        kinds=["coworking"],
        labels=[
            "France Services",
            "Fabriques de Territoire",
            "Fabriques numériques de territoire",
            "Aidants Connect",
            "CNFS",
            "APTIC",
            "Formé à « Mon Espace Santé »",
            "Label et la bête",
            "Fabrique de teritoire",
        ],
    )
    assert mapped == Mapped(
        kinds=["coworking"],
        services=[],
        labels=["france-services", "fabrique-de-territoire", "fabrique-numerique"],
        unmatched={
            "Dispositifs et programmes nationaux": ["Aidants Connect", "Conseillers numériques"],
            "Labels nationaux (schéma v0)": ["APTIC"],
            "Formations et labels": ["Formé à « Mon Espace Santé »"],
            "labels": ["Label et la bête"],
        },
        notes=["label « Fabrique de teritoire » lu comme « fabrique-de-territoire »"],
    )


# --- publics and access -----------------------------------------------------------------------


def test_publics_v1_and_v0_kept_under_the_schema_titles():
    mapped = SEEDED.map(
        kinds=["coworking"],
        publics=[
            "Jeunes",
            "Seniors (+ 65 ans)",
            "Familles/enfants",
            "Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes "
            "comportementales",
            "Handicaps mentaux : déficiences limitant les activités d'une personne",
            "Surdité",
            "Tout public",
        ],
    )
    assert mapped.unmatched == {
        "Publics spécifiquement adressés": ["Jeunes", "Seniors", "Familles et/ou enfants"],
        "Publics accueillis (schéma v0)": ["Handicaps psychiques"],
        "Prise en charge spécifique": ["Handicaps mentaux", "Surdité"],
        "publics": ["Tout public"],
    }
    assert (mapped.kinds, mapped.services, mapped.labels, mapped.notes) == (
        ["coworking"],
        [],
        [],
        [],
    )


def test_access_v1_and_v0_kept_under_the_schema_titles():
    mapped = SEEDED.map(
        kinds=["coworking"],
        access=[
            "Payant : L'accès au lieu et/ou à ses services est payant",
            "Gratuit sous condition : La gratuité est conditionnée à des critères (situation "
            "familiale, convention avec un organisme social...)",
            "Se présenter",
            "Seul : j'ai accès à du matériel et une connexion",
            "À distance",
            "Adhésion",
            "Sur inscription",
        ],
    )
    assert mapped.unmatched == {
        "Frais à charge": ["Payant", "Gratuit sous condition"],
        "Modalités d'accès": ["Se présenter"],
        "Modalités d'accompagnement": ["En autonomie", "À distance"],
        "Conditions d'accès (schéma v0)": ["Adhésion"],
        "conditions d'accès": ["Sur inscription"],
    }


def test_other_values_kept_under_their_own_title():
    mapped = SEEDED.map(kinds=["coworking"], other={"Itinérance": ["Fixe", "Fixe", " "]})
    assert mapped.unmatched == {"Itinérance": ["Fixe"]}


# --- the catalogue ----------------------------------------------------------------------------


def test_entries_missing_from_the_catalogue_are_never_returned():
    vocabulary = Vocabulary(
        kinds=[("coworking", "Espace de coworking", "")],
        services=[("wifi-pro", "Wifi pro")],
        labels=[],
    )
    assert vocabulary.map(
        kinds=["Fab Lab"], services=["Aide aux démarches administratives", "wifi pro"],
        labels=["France Services"],
    ) == Mapped(
        kinds=[],
        services=["wifi-pro"],
        labels=[],
        unmatched={
            "types de lieu": ["Fab Lab"],
            "Services": ["Aide aux démarches administratives"],
            "Dispositifs et programmes nationaux": ["France Services"],
        },
        notes=[],
    )  # fmt: skip


def test_the_catalogue_names_win_over_the_tables():
    vocabulary = Vocabulary(
        kinds=[("coworking", "Coworking", ""), ("hackerspace", "Fab Lab", "")],
        services=[],
        labels=[],
    )
    assert vocabulary.map(kinds=["Fab Lab"]).kinds == ["hackerspace"]


_slugs_and_names = st.sampled_from(
    [v for rows in (KINDS, SERVICES, LABELS) for row in rows for v in row[:2]]
)


@given(
    st.lists(st.one_of(st.text(max_size=25), _slugs_and_names), max_size=5),
    st.lists(st.one_of(st.text(max_size=25), _slugs_and_names), max_size=5),
    st.lists(st.one_of(st.text(max_size=25), _slugs_and_names), max_size=5),
)
def test_map_returns_catalogue_slugs_only_and_loses_nothing(kinds, services, labels):
    mapped = SEEDED.map(kinds=kinds, services=services, labels=labels, publics=kinds)
    assert set(mapped.kinds) <= CATALOGUE["kinds"] and mapped.kinds
    assert set(mapped.services) <= CATALOGUE["services"]
    assert set(mapped.labels) <= CATALOGUE["labels"]
    for family in (mapped.kinds, mapped.services, mapped.labels):
        assert len(set(family)) == len(family)
    for values in mapped.unmatched.values():
        assert values and all(v.strip() for v in values) and len(set(values)) == len(values)
    for value in kinds:  # each value is matched or kept verbatim
        alone = SEEDED.map(kinds=[value])
        if " ".join(value.split()) in alone.unmatched.get("types de lieu", []):
            assert " ".join(value.split()) in mapped.unmatched["types de lieu"]
        elif value.strip():
            assert set(alone.kinds) <= set(mapped.kinds)


@pytest.mark.django_db
def test_load_reads_the_active_catalogue_in_one_query(django_assert_num_queries):
    from maillage.places.models import Kind, Label, Service

    Kind.objects.create(slug="repair-cafe", name="Repair café")
    Kind.objects.filter(slug="living-lab").update(is_active=False)
    Service.objects.filter(slug="velo").update(name="Local vélos")
    Label.objects.create(slug="normandie-tiers-lieux", name="Tiers-lieu labellisé Normandie")
    with django_assert_num_queries(1):
        vocabulary = Vocabulary.load()
    with django_assert_num_queries(0):
        mapped = vocabulary.map(
            kinds=["Repair Café", "Living lab"],
            services=["local velos"],
            labels=["Tiers-lieu labellisé Normandie"],
        )
    assert mapped == Mapped(
        kinds=["repair-cafe"],
        services=["velo"],
        labels=["normandie-tiers-lieux"],
        unmatched={"types de lieu": ["Living lab"]},
        notes=[],
    )


@pytest.mark.django_db
def test_map_vocabulary_one_call_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        mapped = map_vocabulary(kinds=["co-working"], labels=["France services"])
    assert mapped == Mapped(
        kinds=["coworking"], services=[], labels=["france-services"], unmatched={}, notes=[]
    )
