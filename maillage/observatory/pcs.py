"""PCS level 1 (INSEE socio-professional groups), in the order every array of the observatory uses.

The order is INSEE's own (group 1 to 6), so a column read from the `C19_ACTOCC1564_CS1 … _CS6`
family, or mapped from the RP 2022 `_GSEC11 … _GSEC16` family, lands at index `group - 1`.
"""

PCS_KEYS: tuple[str, ...] = (
    "agriculteurs",
    "artisans_commercants_chefs",
    "cadres",
    "professions_intermediaires",
    "employes",
    "ouvriers",
)

PCS_LABELS: tuple[str, ...] = (
    "agriculteurs exploitants",
    "artisans, commerçants et chefs d'entreprise",
    "cadres et professions intellectuelles supérieures",
    "professions intermédiaires",
    "employés",
    "ouvriers",
)

PCS_COUNT = len(PCS_KEYS)
