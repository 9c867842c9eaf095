from maillage.places.models.catalogue import Kind, Label, Service
from maillage.places.models.organisation import Membership, Organisation
from maillage.places.models.place import Place, PlacePhoto
from maillage.places.models.versions import PlaceProposal, PlaceVersion

__all__ = [
    "Kind",
    "Label",
    "Membership",
    "Organisation",
    "Place",
    "PlacePhoto",
    "PlaceProposal",
    "PlaceVersion",
    "Service",
]
