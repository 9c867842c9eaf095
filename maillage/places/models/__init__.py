from maillage.places.models.catalogue import Kind, Label, Service
from maillage.places.models.imports import ImportMapping, PlaceImport
from maillage.places.models.organisation import Membership, Organisation
from maillage.places.models.place import Place, PlacePhoto
from maillage.places.models.versions import PlaceProposal, PlaceVersion

__all__ = [
    "ImportMapping",
    "Kind",
    "Label",
    "Membership",
    "Organisation",
    "Place",
    "PlaceImport",
    "PlacePhoto",
    "PlaceProposal",
    "PlaceVersion",
    "Service",
]
