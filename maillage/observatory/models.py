"""Stored data of the observatory: INSEE imports (per commune) and users' saved scenarios.

Commune rows are keyed by INSEE code, not by a foreign key to `territory.Commune`: an import
covers all of France while a deployment may load only a few régions, and the rows of communes
loaded later must already be there. Writes go through `services.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.observatory.pcs import PCS_COUNT, PCS_LABELS
from maillage.observatory.scenarios import PUBLISHED_NAMES

# Names of the published scenarios (`scenarios.default_scenarios`): a user's copy cannot take them.
RESERVED_SCENARIO_NAMES = PUBLISHED_NAMES

# Groups of PCS level 1, as field suffixes: `working_pcs1` … `working_pcs6`.
PCS_GROUPS = tuple(range(1, PCS_COUNT + 1))


class CensusImport(models.Model):
    """One imported INSEE file; the latest import of each kind is the one the observatory uses."""

    class Kind(models.TextChoices):
        ACTIVITY = "activite", _("Activité des résidents")
        EMPLOYMENT = "emploi", _("Caractéristiques de l'emploi")
        MOBPRO = "mobpro", _("Mobilités professionnelles (domicile-travail)")

    kind = models.CharField(_("type de fichier"), max_length=10, choices=Kind.choices)
    vintage = models.PositiveSmallIntegerField(_("millésime du recensement"))
    # Which column family or file variant was read: "CS" / "GSEC" (activity), "total" / "sexe"
    # (employment), "flux" / "detail" (MOBPRO).
    layout = models.CharField(_("variante du fichier"), max_length=20)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("lignes lues"))
    communes_stored = models.PositiveIntegerField(_("communes enregistrées"))
    unknown_communes = models.JSONField(_("codes commune inconnus"), default=list, blank=True)
    outside_territories = models.PositiveIntegerField(
        _("communes hors des territoires chargés"), default=0
    )
    # Codes such as `1001` (leading zero lost in a spreadsheet) read as `01001`.
    repaired_codes = models.PositiveIntegerField(
        _("codes commune complétés d'un zéro initial"), default=0
    )
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importé par"),
    )

    class Meta:
        verbose_name = _("import Insee")
        verbose_name_plural = _("imports Insee")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vintage__gte=2000, vintage__lte=2099),
                name="census_import_vintage_range",
                violation_error_message=_("Le millésime doit être une année entre 2000 et 2099."),
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="census_import_sha256_hex",
                violation_error_message=_("L'empreinte SHA-256 compte 64 caractères hexadécimaux."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vintage} ({self.filename})"


def _non_negative(
    prefix: str, field: str, label: str, nullable: bool = False
) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": 0})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=f"{prefix}_{field}_non_negative",
        violation_error_message=f"{label} : une valeur positive ou nulle est attendue.",
    )


def _share(prefix: str, field: str, label: str, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": 0, f"{field}__lte": 1})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=f"{prefix}_{field}_share",
        violation_error_message=f"{label} : une part entre 0 et 1 est attendue.",
    )


class CommuneActivity(models.Model):
    """Working residents of one commune from an « Activité des résidents » file.

    Children codes of the file (delegated or associated communes, municipal arrondissements)
    are summed into their parent commune. Salaried, solos and salaried shares are null for the
    file as INSEE publishes it (they come from « Caractéristiques de l'emploi »,
    `CommuneEmployment`); an older file carrying `P_SAL15P` fills them, the shares derived as in
    `imports.activity.salaried_shares`: 0 for agriculteurs exploitants and
    artisans-commerçants-chefs d'entreprise (independent by definition of the PCS), and
    `min(1, P_SAL15P / (W3 + W4 + W5 + W6))` for the four other groups, an approximation since
    no file crosses status with PCS.
    """

    census_import = models.ForeignKey(
        CensusImport,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("import"),
    )
    commune_code = models.CharField(_("code commune"), max_length=5)
    working_pcs1 = models.FloatField(f"actifs occupés : {PCS_LABELS[0]}")
    working_pcs2 = models.FloatField(f"actifs occupés : {PCS_LABELS[1]}")
    working_pcs3 = models.FloatField(f"actifs occupés : {PCS_LABELS[2]}")
    working_pcs4 = models.FloatField(f"actifs occupés : {PCS_LABELS[3]}")
    working_pcs5 = models.FloatField(f"actifs occupés : {PCS_LABELS[4]}")
    working_pcs6 = models.FloatField(f"actifs occupés : {PCS_LABELS[5]}")
    salaried_share_pcs1 = models.FloatField(f"part de salariés : {PCS_LABELS[0]}", null=True)
    salaried_share_pcs2 = models.FloatField(f"part de salariés : {PCS_LABELS[1]}", null=True)
    salaried_share_pcs3 = models.FloatField(f"part de salariés : {PCS_LABELS[2]}", null=True)
    salaried_share_pcs4 = models.FloatField(f"part de salariés : {PCS_LABELS[3]}", null=True)
    salaried_share_pcs5 = models.FloatField(f"part de salariés : {PCS_LABELS[4]}", null=True)
    salaried_share_pcs6 = models.FloatField(f"part de salariés : {PCS_LABELS[5]}", null=True)
    salaried = models.FloatField(_("salariés de 15 ans ou plus"), null=True)
    solos = models.FloatField(_("indépendants sans salarié"), null=True)
    car_share = models.FloatField(_("part des actifs allant travailler en voiture"), null=True)

    class Meta:
        verbose_name = _("activité des résidents d'une commune")
        verbose_name_plural = _("activité des résidents des communes")
        ordering = ["census_import", "commune_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_import", "commune_code"],
                name="commune_activity_unique_per_import",
                violation_error_message=_("Une commune n'a qu'une ligne par import."),
            ),
            *(
                _non_negative(
                    "commune_activity", f"working_pcs{k}", f"Actifs occupés ({PCS_LABELS[k - 1]})"
                )
                for k in PCS_GROUPS
            ),
            *(
                _share(
                    "commune_activity",
                    f"salaried_share_pcs{k}",
                    f"Part de salariés ({PCS_LABELS[k - 1]})",
                    nullable=True,
                )
                for k in PCS_GROUPS
            ),
            _non_negative("commune_activity", "salaried", "Salariés", nullable=True),
            _non_negative("commune_activity", "solos", "Indépendants sans salarié", nullable=True),
            _share(
                "commune_activity",
                "car_share",
                "Part des actifs allant travailler en voiture",
                nullable=True,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_code} ({self.census_import_id})"


class CommuneEmployment(models.Model):
    """Status of the working residents of one commune, from a « Caractéristiques de l'emploi »
    file (`base-cc-caract_emp`): what the model takes for the salaried shares and the solos.

    Children codes are summed into their parent commune, as for `CommuneActivity`.
    """

    census_import = models.ForeignKey(
        CensusImport,
        on_delete=models.CASCADE,
        related_name="employments",
        verbose_name=_("import"),
    )
    commune_code = models.CharField(_("code commune"), max_length=5)
    salaried = models.FloatField(_("salariés de 15 ans ou plus"))
    solos = models.FloatField(_("indépendants sans salarié"))
    non_salaried = models.FloatField(_("non-salariés de 15 ans ou plus"), null=True)
    employers = models.FloatField(_("employeurs"), null=True)
    car_share = models.FloatField(_("part des actifs allant travailler en voiture"), null=True)

    class Meta:
        verbose_name = _("caractéristiques de l'emploi d'une commune")
        verbose_name_plural = _("caractéristiques de l'emploi des communes")
        ordering = ["census_import", "commune_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_import", "commune_code"],
                name="commune_employment_unique_per_import",
                violation_error_message=_("Une commune n'a qu'une ligne par import."),
            ),
            _non_negative("commune_employment", "salaried", "Salariés"),
            _non_negative("commune_employment", "solos", "Indépendants sans salarié"),
            _non_negative("commune_employment", "non_salaried", "Non-salariés", nullable=True),
            _non_negative("commune_employment", "employers", "Employeurs", nullable=True),
            _share(
                "commune_employment",
                "car_share",
                "Part des actifs allant travailler en voiture",
                nullable=True,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_code} ({self.census_import_id})"


class CommuneCommute(models.Model):
    """Home–work trips of the workers living in one commune, from a MOBPRO file.

    `mix[b]` is the share of the commune's workers whose one-way road distance falls in bin `b`
    of `commute.COMMUTE_BIN_EDGES_KM` (work abroad or in an unknown or unplaced commune: last
    bin). `mean_km` averages the placed trips only; null when none is placed.
    """

    census_import = models.ForeignKey(
        CensusImport,
        on_delete=models.CASCADE,
        related_name="commutes",
        verbose_name=_("import"),
    )
    commune_code = models.CharField(_("code commune de résidence"), max_length=5)
    workers = models.FloatField(_("actifs occupés (somme des flux)"))
    unplaced_workers = models.FloatField(
        _("actifs travaillant à l'étranger ou dans une commune non localisée"), default=0
    )
    mean_km = models.FloatField(_("distance moyenne domicile-travail, aller (km)"), null=True)
    mix = models.JSONField(_("répartition des actifs par tranche de distance"), default=list)

    class Meta:
        verbose_name = _("trajets domicile-travail d'une commune")
        verbose_name_plural = _("trajets domicile-travail des communes")
        ordering = ["census_import", "commune_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_import", "commune_code"],
                name="commune_commute_unique_per_import",
                violation_error_message=_("Une commune n'a qu'une ligne par import."),
            ),
            _non_negative("commune_commute", "workers", "Actifs occupés"),
            _non_negative("commune_commute", "unplaced_workers", "Actifs non localisés"),
            models.CheckConstraint(
                condition=Q(mean_km__gte=0) | Q(mean_km__isnull=True),
                name="commune_commute_mean_km_non_negative",
                violation_error_message=_("Distance moyenne : une valeur positive est attendue."),
            ),
            models.CheckConstraint(
                condition=Q(unplaced_workers__lte=models.F("workers")),
                name="commune_commute_unplaced_within_workers",
                violation_error_message=_(
                    "Les actifs non localisés ne peuvent pas dépasser le total des actifs."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_code} ({self.census_import_id})"


class SavedScenarioQuerySet(models.QuerySet):
    def named(self, name: str) -> "SavedScenarioQuerySet":
        """Every version of the scenario `name`, the latest first."""
        return self.filter(name=name).order_by("-version")


class SavedScenario(models.Model):
    """A user's scenario (`scenarios.to_dict` in `data`); saving a name again adds a version."""

    name = models.SlugField(_("nom du scénario"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    data = models.JSONField(_("paramètres"))
    based_on = models.CharField(_("scénario d'origine"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observatory_scenarios",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    objects = SavedScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("scénario enregistré")
        verbose_name_plural = _("scénarios enregistrés")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                name="saved_scenario_unique_version",
                violation_error_message=_("Cette version du scénario existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="saved_scenario_version_positive",
                violation_error_message=_("La version d'un scénario commence à 1."),
            ),
            models.CheckConstraint(
                condition=~Q(name__in=RESERVED_SCENARIO_NAMES),
                name="saved_scenario_name_not_reserved",
                violation_error_message=_(
                    "Les noms « actuel », « tendanciel » et « rupture » sont réservés aux "
                    "scénarios publiés."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class SavedStudyQuerySet(models.QuerySet):
    def named(self, name: str) -> "SavedStudyQuerySet":
        """Every version of the study `name`, the latest first."""
        return self.filter(name=name).order_by("-version")


class SavedStudy(models.Model):
    """A study (`study.document.study_to_dict` in `data`); saving a name again adds a version,
    versions are never edited (a study's figures must be reproducible from what was sent)."""

    name = models.SlugField(_("nom de l'étude"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    data = models.JSONField(_("étude"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observatory_studies",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = SavedStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("étude")
        verbose_name_plural = _("études")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                name="saved_study_unique_version",
                violation_error_message=_("Cette version de l'étude existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="saved_study_version_positive",
                violation_error_message=_("La version d'une étude commence à 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
