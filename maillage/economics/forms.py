"""The hypotheses page: the plan's document shown as French fields (euros, percents) and read
back from the posted form, each error kept on its field path."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from maillage.economics.document import RATE_PRECISION
from maillage.economics.engine import (
    POOL_LABELS,
    SCENARIO_LABELS,
    VAT_RATES_BP,
    ChargeKind,
    Pool,
    RevenueKind,
    Scenario,
    rate_label,
)
from maillage.places.models import Place
from maillage.territory.models import Commune

BLANK_ROWS = 2  # empty rows offered at the end of each list to add lines
MAX_INPUT = 30  # characters read from one number field
VAT_CHOICES = [(str(rate), rate_label(rate)) for rate in VAT_RATES_BP]
POOL_CHOICES = [(pool.value, POOL_LABELS[pool]) for pool in Pool]
REVENUE_CHOICES = [
    ("services", "services"),
    ("evenements", "événements"),
    ("domiciliation", "domiciliation"),
    ("subvention", "subvention"),
    ("autre", "autre"),
]
CHARGE_CHOICES = [
    ("loyer", "loyer"),
    ("batiment", "bâtiment"),
    ("personnel", "personnel"),
    ("exploitant", "exploitant (montant fixe)"),
    ("fluides", "fluides"),
    ("assurance", "assurance"),
    ("communication", "communication"),
    ("autre", "autre"),
]
assert {v for v, _ in REVENUE_CHOICES} == {k.value for k in RevenueKind}
assert {v for v, _ in CHARGE_CHOICES} == {k.value for k in ChargeKind}


LINE_NOUNS = {"recettes": "Recette", "charges": "Charge"}


def euros(cents: int) -> str:
    """12345 → « 123,45 »."""
    return f"{Decimal(cents) / 100:.2f}".replace(".", ",")


def percent(rate: float) -> str:
    """0.3 → « 30 »; 0.125 → « 12,5 »."""
    text = f"{Decimal(repr(float(rate))) * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _number(text: str) -> Decimal | None:
    text = re.sub(r"[\s\u00a0\u202f€%]", "", text[:MAX_INPUT]).replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e13") else None


class _Parser:
    def __init__(self, data) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def raw(self, path: str) -> str:
        return str(self.data.get(path, ""))[:1000].strip()

    def cents(self, path: str) -> int:
        value = _number(self.raw(path) or "0")
        if value is None:
            self.errors[path] = "Saisissez un montant en euros, par exemple 12,50."
            return 0
        if value * 100 != (value * 100).to_integral_value():
            self.errors[path] = "Deux décimales au plus : un montant se compte en centimes."
            return 0
        return int(value * 100)

    def integer(self, path: str) -> int:
        value = _number(self.raw(path) or "0")
        if value is None or value != value.to_integral_value():
            self.errors[path] = "Saisissez un nombre entier."
            return 0
        return int(value)

    def rate(self, path: str) -> float:
        value = _number(self.raw(path) or "0")
        if value is None:
            self.errors[path] = "Saisissez un pourcentage, par exemple 45."
            return 0.0
        if value * 100 != (value * 100).to_integral_value():
            self.errors[path] = RATE_PRECISION
            return 0.0
        return float(value / 100)

    def indices(self, prefix: str, fields: tuple[str, ...]) -> list[int]:
        """Rows posted for `prefix`, in order, without those left entirely blank."""
        found = set()
        pattern = re.compile(rf"^{re.escape(prefix)}\.(\d{{1,2}})\.")
        for key in self.data:
            match = pattern.match(key)
            if match:
                found.add(int(match.group(1)))
        return [
            i for i in sorted(found) if any(self.raw(f"{prefix}.{i}.{name}") for name in fields)
        ]


def document_from_post(data, years_before: int) -> tuple[dict, dict[str, str], dict[str, str]]:
    """The document typed on the page, the conversion errors, and how rows were renumbered.

    Blank rows are dropped, so row numbers change: the returned mapping (new path prefix → old
    prefix) puts the engine's errors back on the fields the person typed in. When the duration
    changes, every per-year series is cut or continued with its last value (occupancies and
    amounts alike: a rent goes on; the page then asks to check the new years before saving).
    """
    p = _Parser(data)
    years = p.integer("annees")
    length = years if 1 <= years <= 15 else years_before
    renumber: dict[str, str] = {}

    def rows(prefix: str, fields: tuple[str, ...], build) -> list[dict]:
        out = []
        for new, old in enumerate(p.indices(prefix, fields)):
            renumber[f"{prefix}.{new}"] = f"{prefix}.{old}"
            out.append(build(f"{prefix}.{old}"))
        return out

    def series(path: str, convert, pad) -> list:
        values = [convert(f"{path}.{y}") for y in range(years_before)][:length]
        while len(values) < length:
            values.append(values[-1] if (values and pad is None) else (pad or 0))
        return values

    def amount_line(path: str) -> dict:
        return {
            "libelle": p.raw(f"{path}.libelle")[:200],
            "nature": p.raw(f"{path}.nature")[:20],
            "montants": series(f"{path}.montants", p.cents, None),
            "tva": p.integer(f"{path}.tva"),
        }

    amount_fields = ("libelle", *(f"montants.{y}" for y in range(years_before)))
    document = {
        "annees": years,
        "annee_debut": p.integer("annee_debut"),
        "assujetti_tva": p.raw("assujetti_tva") == "oui",
        "capacites": rows(
            "capacites",
            ("libelle", "unites"),
            lambda path: {
                "pool": p.raw(f"{path}.pool")[:20],
                "libelle": p.raw(f"{path}.libelle")[:200],
                "unites": p.integer(f"{path}.unites"),
            },
        ),
        "produits": rows(
            "produits",
            ("cle", "libelle", "prix"),
            lambda path: {
                "cle": p.raw(f"{path}.cle")[:50],
                "libelle": p.raw(f"{path}.libelle")[:200],
                "pool": p.raw(f"{path}.pool")[:20],
                "prix": p.cents(f"{path}.prix"),
                "tva": p.integer(f"{path}.tva"),
                "unites": p.integer(f"{path}.unites"),
                "mix": p.rate(f"{path}.mix"),
            },
        ),
        "occupation": {
            s.value: {
                pool.value: series(f"occupation.{s.value}.{pool.value}", p.rate, None)
                for pool in Pool
            }
            for s in Scenario
        },
        "recettes": rows("recettes", amount_fields, amount_line),
        "charges": rows("charges", amount_fields, amount_line),
        "investissements": rows(
            "investissements",
            ("libelle", "montant"),
            lambda path: {
                "libelle": p.raw(f"{path}.libelle")[:200],
                "montant": p.cents(f"{path}.montant"),
                "tva": p.integer(f"{path}.tva"),
                "premiere_annee": p.integer(f"{path}.premiere_annee"),
                "duree": p.integer(f"{path}.duree"),
            },
        ),
        "redevance": None,
    }
    if p.raw("redevance.part") and _number(p.raw("redevance.part")) != 0:
        document["redevance"] = {
            "libelle": p.raw("redevance.libelle")[:200] or "Rémunération de l'exploitant",
            "part": p.rate("redevance.part"),
            "tva": p.integer("redevance.tva"),
        }
    return document, p.errors, renumber


def errors_on_page(errors: dict[str, str], renumber: dict[str, str]) -> dict[str, str]:
    """Engine errors (paths of the saved document) moved back to the fields as typed."""
    moved = {}
    for path, message in errors.items():
        parts = path.split(".")
        prefix = ".".join(parts[:2])
        if prefix in renumber:
            path = ".".join([renumber[prefix], *parts[2:]])
        moved.setdefault(path, message)
    return moved


def _field(name, label, value, errors, kind="text", choices=None, size="") -> dict:
    return {
        "name": name,
        "id": "f-" + name.replace(".", "-"),
        "label": label,
        "value": value,
        "error": errors.get(name, ""),
        "kind": kind,
        "choices": choices or [],
        "size": size,
    }


def page_sections(document: dict, errors: dict[str, str], values: dict | None = None) -> dict:
    """What the hypotheses template shows: fields with their French value and error.

    `values` (the posted data) wins over the document so that a page refused shows what the
    person typed, not what was saved.
    """
    years = document.get("annees") if isinstance(document.get("annees"), int) else 1
    years = years if 1 <= years <= 15 else 1
    first = document.get("annee_debut", 2027)
    calendar = [first + y for y in range(years)] if isinstance(first, int) else []

    def shown(name: str, value: str) -> str:
        if values is not None and name in values:
            return str(values.get(name, ""))[:200]
        return value

    shown_paths: set[str] = set()

    def f(name, label, value, kind="text", choices=None, size=""):
        shown_paths.add(name)
        shown_paths.add(name.rsplit(".", 1)[0])  # row-level errors (a series) are shown too
        return _field(name, label, shown(name, value), errors, kind, choices, size)

    capacities = [
        [
            f(f"capacites.{i}.pool", "Type", row.get("pool", "postes"), "select", POOL_CHOICES),
            f(f"capacites.{i}.libelle", "Libellé", row.get("libelle", "")),
            f(f"capacites.{i}.unites", "Nombre", str(row.get("unites", "")), size="s"),
        ]
        for i, row in enumerate(_rows(document, "capacites", {"pool": "postes"}))
    ]
    products = []
    for i, row in enumerate(_rows(document, "produits", {"pool": "postes", "tva": 2000})):
        price = row.get("prix")
        rate = row.get("tva", 2000)
        ttc = ""
        if isinstance(price, int) and isinstance(rate, int):
            ttc = euros(
                price + int((Decimal(price) * rate / 10000).quantize(Decimal(1), "ROUND_HALF_UP"))
            )
        products.append(
            {
                "fields": [
                    f(f"produits.{i}.cle", "Clé", row.get("cle", ""), size="s"),
                    f(f"produits.{i}.libelle", "Libellé", row.get("libelle", "")),
                    f(
                        f"produits.{i}.pool",
                        "Capacité vendue",
                        row.get("pool", ""),
                        "select",
                        POOL_CHOICES,
                    ),
                    f(
                        f"produits.{i}.prix",
                        "Prix HT (€)",
                        euros(price) if isinstance(price, int) else "",
                        size="s",
                    ),
                    f(f"produits.{i}.tva", "TVA", str(rate), "select", VAT_CHOICES),
                    f(
                        f"produits.{i}.unites",
                        "Unités par an et par unité de capacité",
                        str(row.get("unites", "")),
                        size="s",
                    ),
                    f(
                        f"produits.{i}.mix",
                        "Part de la capacité (%)",
                        percent(row["mix"]) if isinstance(row.get("mix"), int | float) else "",
                        size="s",
                    ),
                ],
                "ttc": ttc,
            }
        )
    occupancy = []
    raw_occupancy = document.get("occupation") or {}
    for s in Scenario:
        pools = []
        for pool in Pool:
            series = (raw_occupancy.get(s.value) or {}).get(pool.value) or []
            path = f"occupation.{s.value}.{pool.value}"
            pools.append(
                {
                    "label": POOL_LABELS[pool],
                    "error": errors.get(path, ""),
                    "fields": [
                        f(
                            f"{path}.{y}",
                            f"{POOL_LABELS[pool]} {_year(calendar, y)} (%)",
                            percent(series[y])
                            if y < len(series) and isinstance(series[y], int | float)
                            else "0",
                            size="s",
                        )
                        for y in range(years)
                    ],
                }
            )
        occupancy.append({"scenario": s.value, "label": SCENARIO_LABELS[s], "pools": pools})

    def amount_rows(key, kinds, default_kind):
        out = []
        for i, row in enumerate(_rows(document, key, {"nature": default_kind, "tva": 2000})):
            amounts = row.get("montants") or []
            name = str(row.get("libelle") or "").strip()
            out.append(
                {
                    # The legend of the line's fieldset names its yearly amount fields.
                    "legend": f"{LINE_NOUNS[key]} {i + 1}" + (f" : {name}" if name else ""),
                    "error": errors.get(f"{key}.{i}.montants", ""),
                    "fields": [
                        f(f"{key}.{i}.libelle", "Libellé", row.get("libelle", "")),
                        f(f"{key}.{i}.nature", "Nature", row.get("nature", ""), "select", kinds),
                        f(
                            f"{key}.{i}.tva",
                            "TVA",
                            str(row.get("tva", 2000)),
                            "select",
                            VAT_CHOICES,
                        ),
                    ],
                    "years": [
                        f(
                            f"{key}.{i}.montants.{y}",
                            f"{calendar[y] if y < len(calendar) else y + 1} HT (€)",
                            euros(amounts[y])
                            if y < len(amounts) and isinstance(amounts[y], int)
                            else "",
                            size="s",
                        )
                        for y in range(years)
                    ],
                }
            )
        return out

    investments = [
        [
            f(f"investissements.{i}.libelle", "Libellé", row.get("libelle", "")),
            f(
                f"investissements.{i}.montant",
                "Montant HT (€)",
                euros(row["montant"]) if isinstance(row.get("montant"), int) else "",
                size="s",
            ),
            f(f"investissements.{i}.tva", "TVA", str(row.get("tva", 2000)), "select", VAT_CHOICES),
            f(
                f"investissements.{i}.premiere_annee",
                "Première année (1 = première du plan)",
                str(row.get("premiere_annee", 1)),
                size="s",
            ),
            f(
                f"investissements.{i}.duree",
                "Durée d'amortissement (ans)",
                str(row.get("duree", 5)),
                size="s",
            ),
        ]
        for i, row in enumerate(_rows(document, "investissements", {}))
    ]
    fee = document.get("redevance") or {}
    return {
        "general": [
            f(
                "annees",
                "Durée du plan (années, 1 à 15)",
                str(document.get("annees", "")),
                size="s",
            ),
            f(
                "annee_debut",
                "Première année civile",
                str(document.get("annee_debut", "")),
                size="s",
            ),
            f(
                "assujetti_tva",
                "L'exploitant est assujetti à la TVA",
                "oui" if document.get("assujetti_tva") else "non",
                "select",
                [("oui", "oui"), ("non", "non (association non assujettie)")],
            ),
        ],
        "capacities": capacities,
        "products": products,
        "occupancy": occupancy,
        "revenues": amount_rows("recettes", REVENUE_CHOICES, "services"),
        "charges": amount_rows("charges", CHARGE_CHOICES, "loyer"),
        "investments": investments,
        "fee": [
            f("redevance.libelle", "Libellé", fee.get("libelle", "Rémunération de l'exploitant")),
            f(
                "redevance.part",
                "Part des recettes hors subventions (%)",
                percent(fee["part"]) if isinstance(fee.get("part"), int | float) else "",
                size="s",
            ),
            f("redevance.tva", "TVA", str(fee.get("tva", 2000)), "select", VAT_CHOICES),
        ],
        "calendar": calendar,
        "other_errors": [
            message
            for path, message in errors.items()
            if path not in shown_paths and path.rsplit(".", 1)[0] not in shown_paths
        ],
    }


def _year(calendar: list[int], index: int) -> int:
    return calendar[index] if index < len(calendar) else index + 1


def _rows(document: dict, key: str, blank: dict) -> list[dict]:
    rows = document.get(key)
    rows = [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    return rows + [dict(blank) for _ in range(BLANK_ROWS)]


class CreateForm(forms.Form):
    """A plan for one of my places, or for a project (name and commune by INSEE code)."""

    name = forms.CharField(label="Nom du plan", max_length=200)
    place = forms.ModelChoiceField(
        label="Lieu",
        queryset=Place.objects.none(),
        required=False,
        empty_label="— un projet, pas encore un lieu —",
    )
    project_name = forms.CharField(label="Nom du projet", max_length=200, required=False)
    commune = forms.CharField(
        label="Commune du projet (code INSEE)",
        max_length=5,
        required=False,
        help_text="Cinq caractères, par exemple 14118 pour Caen.",
    )

    def __init__(self, *args, places=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places if places is not None else Place.objects.none()

    def clean_commune(self) -> Commune | None:
        code = self.cleaned_data.get("commune", "").strip().upper()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError("Aucune commune n'a ce code INSEE.")
        return commune


class InviteForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail d'un compte existant", max_length=254)
