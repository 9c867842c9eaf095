"""Which INSEE files to bring for a census vintage, and where insee.fr publishes them.

Text only, for the import page and the user guide: the platform never fetches anything from
insee.fr. File names are those of the published archives; the importer recognises the data CSV
of an archive by its columns, so a renamed archive still imports.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

# Census vintages the importers know the columns of (RP 2016 … RP 2023 for MOBPRO's detail).
FIRST_VINTAGE = 2016
LATEST_VINTAGE = 2022
LATEST_MOBPRO_VINTAGE = 2023
VINTAGES = tuple(range(FIRST_VINTAGE, LATEST_MOBPRO_VINTAGE + 1))
# RP 2022 switched the socio-professional columns from PCS 2003 (CS) to PCS 2020 (GSEC, GS).
PCS_2020_FROM = 2022


@dataclass(frozen=True)
class InseeFile:
    """One file to download: its import kind, what it brings, the insee.fr page title, the
    archive and the CSV inside, and the columns the importer reads."""

    kind: str
    purpose: str
    page_title: str
    archive: str
    data_file: str
    columns: str
    note: str = ""

    @property
    def search_url(self) -> str:
        """insee.fr's own search for the page title (a link the user follows, never fetched)."""
        return "https://www.insee.fr/fr/recherche?" + urlencode({"q": self.page_title})


def insee_files(vintage: int) -> list[InseeFile]:
    """The files to import for census `vintage`, in the order to import them."""
    yy = f"{vintage % 100:02d}"
    files = []
    if vintage <= LATEST_VINTAGE:
        pcs = (
            f"C{yy}_ACTOCC1564_STAT_GSEC11 … C{yy}_ACTOCC1564_STAT_GSEC16 (PCS 2020)"
            if vintage >= PCS_2020_FROM
            else f"C{yy}_ACTOCC1564_CS1 … C{yy}_ACTOCC1564_CS6 (PCS 2003)"
        )
        files += [
            InseeFile(
                kind="activite",
                purpose="actifs occupés résidents par catégorie socioprofessionnelle",
                page_title=f"Activité des résidents en {vintage}",
                archive=f"base-cc-emploi-pop-active-{vintage}_csv.zip",
                data_file=f"base-cc-emploi-pop-active-{vintage}.CSV",
                columns=f"CODGEO ; {pcs}",
            ),
            InseeFile(
                kind="emploi",
                purpose="salariés et indépendants sans salarié (statut des actifs occupés)",
                page_title=f"Caractéristiques de l'emploi en {vintage}",
                archive=f"base-cc-caract_emp-{vintage}_csv.zip",
                data_file=f"base-cc-caract_emp-{vintage}.CSV",
                columns=f"CODGEO ; P{yy}_SAL15P ; P{yy}_NSAL15P_INDEP",
                note="Sans ce fichier, la part des salariés et les indépendants sans salarié "
                "restent en estimation par défaut.",
            ),
            InseeFile(
                kind="mobpro",
                purpose="trajets domicile-travail entre communes (flux agrégés, conseillé)",
                page_title="Base des flux de mobilité : mobilités professionnelles "
                f"(domicile-lieu de travail) {vintage}",
                archive=f"base-flux-mobilite-domicile-lieu-travail-{vintage}_csv.zip",
                data_file=f"base-flux-mobilite-domicile-lieu-travail-{vintage}.csv",
                columns=f"CODGEO ; DCLT ; NBFLUX_C{yy}_ACTOCC15P",
            ),
        ]
    files.append(
        InseeFile(
            kind="mobpro",
            purpose="trajets domicile-travail, fichier détail (une ligne par personne, "
            "plus volumineux ; à la place des flux agrégés)",
            page_title=f"Mobilités professionnelles en {vintage} : déplacements domicile - "
            "lieu de travail",
            archive=f"RP{vintage}_mobpro_csv.zip",
            data_file=f"FD_MOBPRO_{vintage}.csv",
            columns="COMMUNE ; DCLT ; IPONDI (virgule décimale)",
            note=" ".join(
                [
                    f"Garder le nom FD_MOBPRO_{vintage}.csv : le millésime est lu dans le nom.",
                    *(
                        ["La colonne GS y remplace CS1 (sans effet sur l'import)."]
                        if vintage >= PCS_2020_FROM
                        else []
                    ),
                ]
            ),
        )
    )
    return files
