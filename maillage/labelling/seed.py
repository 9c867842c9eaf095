"""The default regional label and its criteria: seeded by migration 0002 (and again by tests
after a flush). The coordination edits them at /label/criteres/."""

NAME = "Label régional des tiers-lieux"

# (group, title, description, mandatory, evidence asked, platform figure)
CRITERIA = [
    (
        "services",
        "Espace de travail partagé équipé (postes, impression, salle de réunion)",
        "Au moins un espace de travail partagé ouvert au public, avec impression et une salle "
        "de réunion réservable.",
        True,
        "Photos des espaces ou plan du lieu.",
        "services",
    ),
    (
        "services",
        "Accompagnement aux usages numériques proposé",
        "Une médiation numérique ou un accompagnement des publics aux démarches en ligne.",
        False,
        "Programme ou affiche des permanences.",
        "",
    ),
    (
        "accessibilite",
        "Accessible aux personnes à mobilité réduite ou solution d'accueil",
        "Accès de plain-pied, rampe ou ascenseur ; à défaut, une solution d'accueil adaptée "
        "décrite et affichée.",
        True,
        "Attestation d'accessibilité (Ad'AP) ou description de la solution d'accueil.",
        "accessibilite",
    ),
    (
        "accessibilite",
        "Desservi par les transports en commun ou un service de mobilité",
        "Arrêt de transport en commun à moins de 500 m, ou covoiturage ou navette organisés.",
        False,
        "",
        "",
    ),
    (
        "horaires",
        "Ouvert au moins 4 jours par semaine",
        "Horaires publiés sur la fiche du lieu et respectés toute l'année (hors congés annoncés).",
        True,
        "",
        "horaires",
    ),
    (
        "horaires",
        "Horaires élargis au moins un jour par semaine (avant 9 h ou après 18 h)",
        "Pour les actifs qui travaillent à distance ou en horaires décalés.",
        False,
        "",
        "horaires",
    ),
    (
        "connectivite",
        "Accès internet très haut débit (≥ 100 Mbit/s)",
        "Débit descendant mesuré d'au moins 100 Mbit/s, Wi-Fi sécurisé pour les usagers.",
        True,
        "Capture d'un test de débit ou facture de l'abonnement.",
        "",
    ),
    (
        "connectivite",
        "Équipement de visioconférence disponible",
        "Une salle ou un poste équipé (caméra, micro, écran) réservable par les usagers.",
        False,
        "",
        "services",
    ),
    (
        "animation",
        "Au moins un événement ouvert par mois",
        "Atelier, conférence ou rencontre ouvert à tous, publié dans l'agenda du réseau.",
        True,
        "",
        "evenements",
    ),
    (
        "animation",
        "Un animateur ou une animatrice identifié·e",
        "Une personne chargée de l'accueil et de l'animation de la communauté, joignable.",
        False,
        "Fiche de poste ou convention de bénévolat.",
        "",
    ),
    (
        "donnees",
        "Fiche du lieu tenue à jour (moins de 6 mois)",
        "La fiche du lieu sur la plateforme a été vérifiée ou mise à jour il y a moins de 6 mois.",
        True,
        "",
        "fraicheur",
    ),
    (
        "donnees",
        "Données d'occupation partagées avec le réseau",
        "Les réservations passent par la plateforme, ou le lieu transmet ses chiffres "
        "d'occupation chaque trimestre.",
        False,
        "Dernier relevé d'occupation transmis.",
        "occupation",
    ),
]


def seed_default_scheme(LabelScheme, Criterion):
    """Create the default label and its criteria unless a label of that name exists; returns
    it. Takes the model classes so that the migration passes its historical models."""
    existing = LabelScheme.objects.filter(name=NAME).first()
    if existing is not None:
        return existing
    scheme = LabelScheme.objects.create(
        name=NAME,
        short_name="Tiers-lieu labellisé",
        description=(
            "Le label régional garantit un niveau de service commun aux usagers : services, "
            "accessibilité, horaires, connectivité, animation et données partagées avec le réseau."
        ),
        validity_months=36,
        reminder_days=[90, 30],
        accepting=True,
    )
    positions: dict[str, int] = {}
    for group, title, description, mandatory, evidence, figure in CRITERIA:
        positions[group] = positions.get(group, 0) + 1
        Criterion.objects.create(
            scheme=scheme,
            group=group,
            title=title,
            description=description,
            mandatory=mandatory,
            evidence_asked=evidence,
            platform_figure=figure,
            position=positions[group],
        )
    return scheme
