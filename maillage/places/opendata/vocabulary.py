"""Other vocabularies → our catalogue (kinds, services, labels); what has no match is kept as text.

Build a `Vocabulary` once per import (`Vocabulary.load()`, one query: the coordinator may have
added or renamed entries), then call `vocabulary.map(...)` per row (no query).

Values are compared after `fold_name` (accents, case, hyphens). In order: our slugs, our names
(from the database), OpenStreetMap tags (`Kind.osm_tag`), the tables below, then a fuzzy match
(`difflib`, similarity ≥ 0.85) that writes a note. National schema values are recognised in
their v1 spelling and their v0 spelling (« Label : description » too); they are kept in
`unmatched` under the schema's French title of their column (so the médiation export can give
them back), translated to v1 when v1 has the same value. Values whose match is coarser than the
national value (nine médiation services → our one `mediation-numerique`) are kept as well.
"""

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from maillage.territory.search_names import fold_name

FUZZY_CUTOFF = 0.85
DEFAULT_KIND = "tiers-lieu"

# --- tables -----------------------------------------------------------------------------------
# Sources: national schema « Lieux de médiation numérique » v1.0.1 (LaMednum/standard-mediation-num,
# tag v1.0.1; v1.0.2 on main only adds « Étapes numériques(La Poste) ») and its v0.1.0
# documentation (schema.data.gouv.fr « latest »); data.inclusion « typologies de structures »
# (gip-inclusion/data-inclusion-schema); CGET 2019 `TYPO`; OSM tags (wiki); our catalogue_seed.

# Free text and other vocabularies → our kind slug.
KIND_SYNONYMS: dict[str, str] = {
    # CGET 2019 TYPO
    "Tiers lieux à dominante coworking": "coworking",
    "Tiers lieux à dominante fablab": "fablab",
    # data.inclusion typologies (also in the national schema's `typologie`)
    "TIERS_LIEUX": "tiers-lieu",
    "FABLAB": "fablab",
    "EPN": "epn",
    "EPI": "epn",  # Espace Public Internet
    # OSM tag values (the tags themselves: Kind.osm_tag in the catalogue, else their value)
    "coworking_space": "coworking",
    "hackerspace": "fablab",
    "makerspace": "fablab",
    # free text
    "coworking": "coworking",
    "co-working": "coworking",
    "cowork": "coworking",
    "coworking space": "coworking",
    "espace de coworking": "coworking",
    "espace coworking": "coworking",
    "fab lab": "fablab",
    "fablab": "fablab",
    "atelier partagé": "fablab",
    "atelier de fabrication numérique": "fablab",
    "télécentre": "telecentre",
    "centre de télétravail": "telecentre",
    "espace de télétravail": "telecentre",
    "espace public numérique": "epn",
    "espace public internet": "epn",
    "cyberbase": "epn",
    "cyber-base": "epn",
    "living lab": "living-lab",
    "livinglab": "living-lab",
    "tiers lieu": "tiers-lieu",
    "tiers lieux": "tiers-lieu",
    "tiers-lieux": "tiers-lieu",
    "third place": "tiers-lieu",
}

# data.inclusion typologies with a meaning in our catalogue other than a kind.
TYPOLOGIE_LABELS: dict[str, str] = {"RFS": "france-services", "MSAP": "france-services"}

# National médiation services (v1.0.1 enum, v0.1.0 enum) → our service slugs. Every one is a
# médiation service; v0 values carry their v1 translation where v1 has the same meaning.
SERVICES_V1: dict[str, list[str]] = {
    "Aide aux démarches administratives": ["mediation-numerique"],
    "Maîtrise des outils numériques du quotidien": ["mediation-numerique"],
    "Insertion professionnelle via le numérique": ["mediation-numerique"],
    "Utilisation sécurisée du numérique": ["mediation-numerique"],
    "Parentalité et éducation avec le numérique": ["mediation-numerique"],
    "Loisirs et créations numériques": ["mediation-numerique"],
    "Compréhension du monde numérique": ["mediation-numerique"],
    "Accès internet et matériel informatique": ["mediation-numerique"],
    "Acquisition de matériel informatique à prix solidaire": ["mediation-numerique"],
}
# v0 service → (v1 service or None, our service slugs)
SERVICES_V0: dict[str, tuple[str | None, list[str]]] = {
    "Devenir autonome dans les démarches administratives": (
        "Aide aux démarches administratives", ["mediation-numerique"]),
    "Réaliser des démarches administratives avec un accompagnement": (
        "Aide aux démarches administratives", ["mediation-numerique"]),
    "Etre accompagné dans les démarches administratives": (
        "Aide aux démarches administratives", ["mediation-numerique"]),
    "Gagner en autonomie dans les démarches administratives": (
        "Aide aux démarches administratives", ["mediation-numerique"]),
    "Prendre en main un smartphone ou une tablette": (
        "Maîtrise des outils numériques du quotidien", ["mediation-numerique"]),
    "Prendre en main un ordinateur": (
        "Maîtrise des outils numériques du quotidien", ["mediation-numerique"]),
    "Utiliser le numérique au quotidien": (
        "Maîtrise des outils numériques du quotidien", ["mediation-numerique"]),
    "Approfondir ma culture numérique": (
        "Compréhension du monde numérique", ["mediation-numerique"]),
    "Favoriser mon insertion professionnelle": (
        "Insertion professionnelle via le numérique", ["mediation-numerique"]),
    "Accéder à une connexion internet": (
        "Accès internet et matériel informatique", ["mediation-numerique"]),
    "Accéder à du matériel": ("Accès internet et matériel informatique", ["mediation-numerique"]),
    "S'équiper en matériel informatique": (
        "Acquisition de matériel informatique à prix solidaire", ["mediation-numerique"]),
    "Créer avec le numérique": ("Loisirs et créations numériques", ["mediation-numerique"]),
    "Soutenir la parentalité et l'éducation avec le numérique": (
        "Parentalité et éducation avec le numérique", ["mediation-numerique"]),
    "Créer et développer mon entreprise": (None, ["mediation-numerique",
                                                  "accompagnement-creation"]),
    "Accompagner les démarches de santé": (None, ["mediation-numerique"]),
    "Promouvoir la citoyenneté numérique": (None, ["mediation-numerique"]),
}  # fmt: skip

# Free text → our service slug.
SERVICE_SYNONYMS: dict[str, str] = {
    "wifi": "tres-haut-debit",
    "wi-fi": "tres-haut-debit",
    "fibre": "tres-haut-debit",
    "fibre optique": "tres-haut-debit",
    "très haut débit": "tres-haut-debit",
    "visio": "visioconference",
    "salle de visioconférence": "visioconference",
    "imprimante": "impression",
    "photocopieuse": "impression",
    "photocopie": "impression",
    "impression 3D": "imprimante-3d",
    "domiciliation": "domiciliation",
    "café": "cafe",
    "cuisine": "cafe",
    "cuisine partagée": "cafe",
    "événements": "animation",
    "évènements": "animation",
    "médiation numérique": "mediation-numerique",
    "inclusion numérique": "mediation-numerique",
    "cabine téléphonique": "cabine-appels",
    "phone box": "cabine-appels",
    "accès 24h/24": "acces-24h",
    "24h/24": "acces-24h",
    "24/7": "acces-24h",
    "lockers": "casiers",
    "parking vélo": "velo",
    "garage à vélos": "velo",
    "restaurant": "restauration",
}

# National labels and programmes → our label slugs (v1 `dispositif_programmes_nationaux` and
# `formations_labels`, v0 `labels_nationaux`, and the names people write).
LABEL_SYNONYMS: dict[str, str] = {
    "France Services": "france-services",
    "France service": "france-services",
    "Maison France Services": "france-services",
    "Espace France Services": "france-services",
    "Fabriques de Territoire": "fabrique-de-territoire",
    "Fabrique de territoire": "fabrique-de-territoire",
    "Fabriques numériques de territoire": "fabrique-numerique",
    "Fabrique numérique de territoire": "fabrique-numerique",
}

# National values with no match in our catalogue: (column title in schema v1.0.1, v1 value).
# v1 values map to themselves; v0 values to their v1 equivalent, or to a « (schéma v0) » title.
V1_TITLES = {
    "services": "Services",
    "typologie": "Typologie",
    "publics_specifiquement_adresses": "Publics spécifiquement adressés",
    "prise_en_charge_specifique": "Prise en charge spécifique",
    "frais_a_charge": "Frais à charge",
    "dispositif_programmes_nationaux": "Dispositifs et programmes nationaux",
    "formations_labels": "Formations et labels",
    "modalites_acces": "Modalités d'accès",
    "modalites_accompagnement": "Modalités d'accompagnement",
}
V1_VALUES: dict[str, tuple[str, ...]] = {
    "publics_specifiquement_adresses": (
        "Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"),
    "prise_en_charge_specifique": (
        "Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme",
        "Langues étrangères (anglais)", "Langues étrangères (autres)", "Déficience visuelle"),
    "frais_a_charge": ("Gratuit", "Gratuit sous condition", "Payant"),
    "dispositif_programmes_nationaux": (
        "Aidants Connect", "Bibliothèques numérique de référence", "Certification PIX",
        "Conseillers numériques", "Emmaüs Connect", "France Services",
        "Grande école du numérique", "La Croix Rouge", "Point d'accès numérique CAF",
        "Promeneurs du net", "Relais numérique (Emmaüs Connect)"),
    "formations_labels": (
        "Formé à « Mon Espace Santé »", "Formé à « DUPLEX » (illettrisme)",
        "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
        "Collectif ressources et acteurs réemploi (Normandie)", "Étapes numériques (La Poste)",
        "Étapes numériques(La Poste)", "Fabriques de Territoire",
        "Les Éclaireurs du numérique (Drôme)", "Mes Papiers (Métropole de Lyon)", "ORDI 3.0",
        "SUD LABS (PACA)"),
    "modalites_acces": (
        "Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne",
        "Ce lieu n'accueille pas de public", "Envoyer un mail avec une fiche de prescription"),
    "modalites_accompagnement": (
        "En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"),
}  # fmt: skip
# v0.1.0 value (the part before « : ») → (v1 column, v1 value) or (v0 title, v0 value).
V0_VALUES: dict[str, tuple[str, str]] = {
    # publics_accueillis
    "Seniors (+ 65 ans)": ("publics_specifiquement_adresses", "Seniors"),
    "Familles/enfants": ("publics_specifiquement_adresses", "Familles et/ou enfants"),
    "Jeunes (16-26 ans)": ("publics_specifiquement_adresses", "Jeunes"),
    "Uniquement femmes": ("publics_specifiquement_adresses", "Femmes"),
    "Déficience visuelle": ("prise_en_charge_specifique", "Déficience visuelle"),
    "Surdité": ("prise_en_charge_specifique", "Surdité"),
    "Handicaps mentaux": ("prise_en_charge_specifique", "Handicaps mentaux"),
    "Personnes en situation d'illettrisme": ("prise_en_charge_specifique", "Illettrisme"),
    "Adultes": ("Publics accueillis (schéma v0)", "Adultes"),
    "Public langues étrangères": ("Publics accueillis (schéma v0)", "Public langues étrangères"),
    "Handicaps psychiques": ("Publics accueillis (schéma v0)", "Handicaps psychiques"),
    # conditions_acces
    "Gratuit": ("frais_a_charge", "Gratuit"),
    "Gratuit sous condition": ("frais_a_charge", "Gratuit sous condition"),
    "Payant": ("frais_a_charge", "Payant"),
    "Adhésion": ("Conditions d'accès (schéma v0)", "Adhésion"),
    "Accepte le Pass numérique": ("Conditions d'accès (schéma v0)", "Accepte le Pass numérique"),
    # modalites_accompagnement
    "Seul": ("modalites_accompagnement", "En autonomie"),
    "Avec de l'aide": ("modalites_accompagnement", "Accompagnement individuel"),
    "Dans un atelier": ("modalites_accompagnement", "Dans un atelier collectif"),
    "A ma place": ("Modalités d'accompagnement (schéma v0)", "À ma place"),
    # labels_nationaux
    "CNFS": ("dispositif_programmes_nationaux", "Conseillers numériques"),
    "Conseiller numérique": ("dispositif_programmes_nationaux", "Conseillers numériques"),
    "Grandes écoles du numérique": ("dispositif_programmes_nationaux", "Grande école du numérique"),
    "Point numérique CAF": ("dispositif_programmes_nationaux", "Point d'accès numérique CAF"),
    "APTIC": ("Labels nationaux (schéma v0)", "APTIC"),
    "Point relais CAF": ("Labels nationaux (schéma v0)", "Point relais CAF"),
    "Relais pôle emploi": ("Labels nationaux (schéma v0)", "Relais pôle emploi"),
    "French Tech": ("Labels nationaux (schéma v0)", "French Tech"),
    "Campus connecté": ("Labels nationaux (schéma v0)", "Campus connecté"),
}  # fmt: skip

# Titles for free text that matched nothing, per argument of `map`.
FREE_TEXT_TITLES = {
    "kinds": "types de lieu",
    "typologie": "Typologie",
    "services": "services",
    "labels": "labels",
    "publics": "publics",
    "access": "conditions d'accès",
}
_FAMILY_WORDS = {"kinds": "type", "services": "service", "labels": "label"}


# --- the vocabulary ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mapped:
    kinds: list[str]
    services: list[str]
    labels: list[str]
    unmatched: dict[str, list[str]]  # French title → values kept as free text
    notes: list[str]  # French, one per fuzzy match and one when the kind is the default


@dataclass
class _Result:
    kinds: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    unmatched: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, family: str, slugs: Iterable[str]) -> None:
        bucket = getattr(self, family)
        bucket.extend(slug for slug in slugs if slug not in bucket)

    def keep(self, title: str, value: str) -> None:
        bucket = self.unmatched.setdefault(title, [])
        if value not in bucket:
            bucket.append(value)


def _key(text: str) -> str:
    return fold_name(text.replace("_", " "))


def _head(value: str) -> str:
    """« Payant : L'accès au lieu … » (schema v0) → « Payant »; « Handicaps psychiques : … » too."""
    return value.split(" : ", 1)[0].strip() if " : " in value else value


class Vocabulary:
    """Our catalogue, indexed for matching. Slugs absent from the catalogue are never returned."""

    def __init__(
        self,
        *,
        kinds: Iterable[tuple[str, str, str]],
        services: Iterable[tuple[str, str]],
        labels: Iterable[tuple[str, str]],
    ):
        kinds = list(kinds)
        self._slugs = {
            "kinds": {slug for slug, _name, _tag in kinds},
            "services": {slug for slug, _name in services},
            "labels": {slug for slug, _name in labels},
        }
        self._index: dict[str, dict[str, str]] = {}
        catalogue = {
            "kinds": [(slug, name) for slug, name, _tag in kinds],
            "services": list(services),
            "labels": list(labels),
        }
        static = {
            "kinds": KIND_SYNONYMS,
            "services": SERVICE_SYNONYMS,
            "labels": LABEL_SYNONYMS,
        }
        for family, entries in catalogue.items():
            index = {}
            for value, slug in static[family].items():  # the catalogue's own names win below
                if slug in self._slugs[family]:
                    index[_key(value)] = slug
            for slug, name in entries:
                index[_key(slug)] = slug
                index[_key(name)] = slug
            self._index[family] = index
        self._osm = {tag.strip().lower(): slug for slug, _name, tag in kinds if tag.strip()}
        self._national = {_key(v): (column, v) for column, vs in V1_VALUES.items() for v in vs}
        self._national |= {_key(v0): target for v0, target in V0_VALUES.items()}
        self._services_v1 = {_key(v): v for v in SERVICES_V1}
        self._services_v0 = {_key(v): v for v in SERVICES_V0}

    @classmethod
    def load(cls) -> "Vocabulary":
        """The active catalogue entries, in one query."""
        from django.db.models import CharField, Value

        from maillage.places.models import Kind, Label, Service

        def rows(model, family: str, tag):
            return (
                model.objects.filter(is_active=True)
                .order_by()
                .values_list(Value(family, output_field=CharField()), "slug", "name", tag)
            )

        empty = Value("", output_field=CharField())
        union = rows(Kind, "kinds", "osm_tag").union(
            rows(Service, "services", empty), rows(Label, "labels", empty), all=True
        )
        entries: dict[str, list] = {"kinds": [], "services": [], "labels": []}
        for family, slug, name, tag in sorted(union, key=lambda row: row[1]):
            entries[family].append((slug, name, tag) if family == "kinds" else (slug, name))
        return cls(**entries)

    @classmethod
    def seeded(cls) -> "Vocabulary":
        """The starting catalogue (catalogue_seed), without the database."""
        from maillage.places.catalogue_seed import KINDS, LABELS, SERVICES

        return cls(
            kinds=KINDS,
            services=[(slug, name) for slug, name, _icon in SERVICES],
            labels=[(slug, name) for slug, name, _description in LABELS],
        )

    # --- matching -----------------------------------------------------------------------------

    def _catalogue(self, family: str, value: str, result: _Result) -> bool:
        """Exact match (slug, name, OSM tag, tables), then fuzzy with a note."""
        key = _key(value)
        if family == "kinds" and value.strip().lower() in self._osm:
            result.add(family, [self._osm[value.strip().lower()]])
            return True
        if family == "kinds" and "=" in value:
            key = _key(value.split("=", 1)[1])  # amenity=coworking_space → « coworking space »
        slug = self._index[family].get(key)
        if slug is None and key:
            close = difflib.get_close_matches(key, self._index[family], n=1, cutoff=FUZZY_CUTOFF)
            if close:
                slug = self._index[family][close[0]]
                result.notes.append(f"{_FAMILY_WORDS[family]} « {value} » lu comme « {slug} »")
        if slug is None:
            return False
        result.add(family, [slug])
        return True

    def _national_value(self, value: str, result: _Result) -> bool:
        """A national closed-vocabulary value (v1, or v0 with or without « : description »)."""
        for candidate in (value, _head(value)):
            found = self._national.get(_key(candidate))
            if found:
                column, kept = found
                result.keep(V1_TITLES.get(column, column), kept)
                return True
        return False

    def _service(self, value: str, result: _Result) -> None:
        for candidate in (value, _head(value)):
            key = _key(candidate)
            if key in self._services_v1:
                national = self._services_v1[key]
                result.add("services", self._present("services", SERVICES_V1[national]))
                result.keep(V1_TITLES["services"], national)
                return
            if key in self._services_v0:
                national = self._services_v0[key]
                v1, slugs = SERVICES_V0[national]
                result.add("services", self._present("services", slugs))
                result.keep(V1_TITLES["services"] if v1 else "Services (schéma v0)", v1 or national)
                return
        if not self._catalogue("services", value, result):
            result.keep(FREE_TEXT_TITLES["services"], value)

    def _present(self, family: str, slugs: Iterable[str]) -> list[str]:
        return [slug for slug in slugs if slug in self._slugs[family]]

    def map(
        self,
        *,
        kinds: Sequence[str] = (),
        typologie: Sequence[str] = (),
        services: Sequence[str] = (),
        labels: Sequence[str] = (),
        publics: Sequence[str] = (),
        access: Sequence[str] = (),
        other: dict[str, list[str]] | None = None,
    ) -> "Mapped":
        """Catalogue slugs for one row's values, and the values kept as free text."""
        result = _Result()

        def values(items: Sequence[str]) -> list[str]:
            return [" ".join(str(v).split()) for v in items if v is not None and str(v).strip()]

        for value in values(kinds):
            if not self._catalogue("kinds", value, result):
                result.keep(FREE_TEXT_TITLES["kinds"], value)
        for value in values(typologie):
            label = self._present("labels", [TYPOLOGIE_LABELS.get(value.upper(), "")])
            if label:
                result.add("labels", label)
            elif not self._catalogue("kinds", value, result):
                result.keep(V1_TITLES["typologie"], value)
        for value in values(services):
            self._service(value, result)
        for value in values(labels):
            label = self._index["labels"].get(_key(value))
            if label:
                result.add("labels", [label])
            elif not self._national_value(value, result) and not self._catalogue(
                "labels", value, result
            ):
                result.keep(FREE_TEXT_TITLES["labels"], value)
        for family, items in (("publics", publics), ("access", access)):
            for value in values(items):
                if not self._national_value(value, result):
                    result.keep(FREE_TEXT_TITLES[family], value)
        for title, items in (other or {}).items():
            for value in values(items):
                result.keep(title, value)
        if not result.kinds:
            default = self._present("kinds", [DEFAULT_KIND])
            if default:
                result.kinds = default
                given = (
                    "aucun type reconnu" if values(kinds) or values(typologie) else "type absent"
                )
                result.notes.append(f"{given} : type « {DEFAULT_KIND} » par défaut")
        return Mapped(
            kinds=result.kinds,
            services=result.services,
            labels=result.labels,
            unmatched=result.unmatched,
            notes=result.notes,
        )


def map_vocabulary(
    *,
    kinds: Sequence[str] = (),
    typologie: Sequence[str] = (),
    services: Sequence[str] = (),
    labels: Sequence[str] = (),
    publics: Sequence[str] = (),
    access: Sequence[str] = (),
    other: dict[str, list[str]] | None = None,
) -> Mapped:
    """One row against the catalogue read now (one query); prefer `Vocabulary.load().map` per
    import."""
    return Vocabulary.load().map(
        kinds=kinds,
        typologie=typologie,
        services=services,
        labels=labels,
        publics=publics,
        access=access,
        other=other,
    )
