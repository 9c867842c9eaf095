from ninja import Schema


class DepartementRef(Schema):
    code: str
    nom: str


class EPCIRef(Schema):
    code: str
    nom: str
    nature: str


class CommuneOut(Schema):
    code: str
    nom: str
    population: int | None
    departement: DepartementRef
    epci: EPCIRef | None
    latitude: float | None
    longitude: float | None


class CommuneDetailOut(CommuneOut):
    region: DepartementRef
    codes_postaux: list[str]


class CommunePage(Schema):
    total: int
    limite: int
    decalage: int
    resultats: list[CommuneOut]


class EPCIDetailOut(Schema):
    code: str
    nom: str
    nature: str
    nature_libelle: str
    population: int | None
    nombre_communes: int
    nombre_communes_chargees: int
    population_communes_chargees: int
    complet: bool
    communes: list[CommuneOut]


class ErrorOut(Schema):
    detail: str
