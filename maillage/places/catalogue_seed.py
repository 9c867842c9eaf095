"""The catalogue's starting vocabulary, for the data migration and after test-database flushes."""

COORDINATORS = "Coordination du réseau"

KINDS = [
    ("coworking", "Espace de coworking", "amenity=coworking_space"),
    ("telecentre", "Télécentre", "office=coworking"),
    ("fablab", "Fablab, atelier de fabrication", "leisure=hackerspace"),
    ("living-lab", "Living lab", ""),
    ("epn", "Espace public numérique", ""),
    ("tiers-lieu", "Tiers-lieu multi-activités", ""),
    ("autre", "Autre", ""),
]

SERVICES = [
    ("tres-haut-debit", "Connexion très haut débit", "wifi"),
    ("visioconference", "Visioconférence", "video"),
    ("impression", "Impression, photocopie", "printer"),
    ("imprimante-3d", "Imprimante 3D", "cube"),
    ("domiciliation", "Domiciliation d'entreprise", "mailbox"),
    ("cafe", "Café, cuisine partagée", "coffee"),
    ("animation", "Animation, événements", "calendar-event"),
    ("accompagnement-creation", "Accompagnement à la création d'activité", "rocket"),
    ("mediation-numerique", "Médiation numérique", "device-laptop"),
    ("cabine-appels", "Cabine pour appels", "phone-call"),
    ("acces-24h", "Accès 24 h/24", "clock-24"),
    ("casiers", "Casiers", "lock"),
    ("espace-detente", "Espace détente", "armchair"),
    ("atelier", "Atelier, outillage", "tools"),
    ("parking", "Stationnement voiture", "parking"),
    ("velo", "Stationnement vélo", "bike"),
    ("restauration", "Restauration sur place ou à proximité", "soup"),
]

LABELS = [
    (
        "fabrique-de-territoire",
        "Fabrique de territoire",
        "Programme national « Nouveaux lieux, nouveaux liens » (ANCT).",
    ),
    ("fabrique-numerique", "Fabrique numérique de territoire", "Programme national (ANCT)."),
    ("france-services", "France services", "Guichet d'accès aux services publics."),
    (
        "label-regional",
        "Label régional des tiers-lieux",
        "Label du réseau régional (à renommer par la coordination).",
    ),
]


def seed_catalogue(Kind, Service, Label, Group) -> None:
    """Create missing entries; never overwrite what the coordinator edited."""
    for position, (slug, name, osm_tag) in enumerate(KINDS):
        Kind.objects.get_or_create(
            slug=slug, defaults={"name": name, "osm_tag": osm_tag, "position": position}
        )
    for position, (slug, name, icon) in enumerate(SERVICES):
        Service.objects.get_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "position": position}
        )
    for position, (slug, name, description) in enumerate(LABELS):
        Label.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    Group.objects.get_or_create(name=COORDINATORS)


COORDINATOR_MODELS = ["kind", "service", "label", "organisation", "membership"]


def grant_coordinator_permissions(sender=None, using="default", **kwargs) -> None:
    """Coordinators manage the catalogue and the organisations in the administration."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.using(using).get_or_create(name=COORDINATORS)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="places", content_type__model__in=COORDINATOR_MODELS
    )
    group.permissions.add(*permissions)
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="accounts", codename="view_user"
        )
    )
