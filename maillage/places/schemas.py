from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema
from pydantic import Field


class CatalogueEntryOut(Schema):
    slug: str
    nom: str


class ServiceOut(CatalogueEntryOut):
    pictogramme: str


class CatalogueOut(Schema):
    types: list[CatalogueEntryOut]
    services: list[ServiceOut]
    labels: list[CatalogueEntryOut]


class CommuneRef(Schema):
    code: str
    nom: str


class PlaceOut(Schema):
    id: UUID
    nom: str
    types: list[str]
    statut: str
    date_ouverture: date | None
    adresse: str
    code_postal: str
    commune: CommuneRef
    latitude: float
    longitude: float
    presentation: str
    structure: str | None
    courriel: str
    telephone: str
    site_web: str
    horaires: str
    horaires_fr: list[str]
    ouvert_maintenant: bool | None
    postes_espace_partage: int
    bureaux_fermes: int
    postes_bureaux_fermes: int
    salles_reunion: int
    salles_visio: int
    services: list[str]
    labels: list[str]
    tarifs: str
    prix_demi_journee: Decimal | None
    prix_journee: Decimal | None
    prix_mois: Decimal | None
    accessibilite_fauteuil: str
    accessibilite_details: str
    demo: bool
    label_regional: str | None = Field(
        None, description="nom court du label régional détenu aujourd'hui, sinon null"
    )
    label_regional_echeance: date | None = Field(
        None, description="premier jour sans le label (échéance), sinon null"
    )
    distance_km: float | None = None
    mis_a_jour_le: datetime


class PlaceIn(Schema):
    """Fields of a place; on PATCH every field is optional and only given fields change."""

    nom: str | None = Field(None, max_length=200)
    types: list[str] | None = None
    statut: str | None = None
    date_ouverture: date | None = None
    adresse: str | None = None
    code_postal: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    presentation: str | None = None
    structure: int | None = Field(None, description="identifiant de l'organisation gestionnaire")
    courriel: str | None = None
    telephone: str | None = None
    site_web: str | None = None
    horaires: str | None = Field(None, description="syntaxe OpenStreetMap opening_hours")
    postes_espace_partage: int | None = None
    bureaux_fermes: int | None = None
    postes_bureaux_fermes: int | None = None
    salles_reunion: int | None = None
    salles_visio: int | None = None
    services: list[str] | None = None
    labels: list[str] | None = None
    tarifs: str | None = None
    prix_demi_journee: Decimal | None = None
    prix_journee: Decimal | None = None
    prix_mois: Decimal | None = None
    accessibilite_fauteuil: str | None = None
    accessibilite_details: str | None = None


class ProposalOut(Schema):
    id: int
    statut: str
    lieu: UUID | None
    auteur: str
    proposition: dict
    cree_le: datetime
    motif: str


class RejectIn(Schema):
    motif: str = Field(..., min_length=1, max_length=2000)


class WriteResult(Schema):
    publie: bool
    message: str
    lieu: UUID | None = None
    proposition: int | None = None
