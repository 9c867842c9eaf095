"""Stated demand, aggregated per commune and per EPCI, with statistical secrecy.

Who counts: confirmed statements (form statements once their e-mail link was followed, survey
answers as imported), never pending or withdrawn ones. `oui` answers make the demand figures;
`peut-être` answers are only counted (`maybe`); `non` and unknown answers are left out.

Figures of a group of people (decision 0031):
- `people`: how many; `days`: the days per week they would spend in a place (unknown: none);
- `desks`: desks-equivalent = days / 5 (a desk used five days a week by one person, or by five
  people one day each; no allowance for peaks);
- `needs`: how many people asked for each kind of space (one person may ask for several);
- `car_share`: share of the people who gave their commute mode that drive (None if nobody did);
- `km_median`: median of the one-way commute km given (None if nobody gave one).

Secrecy (the measured impacts' rule, `observatory.measured.MIN_PEOPLE`): a commune whose `oui`
(or `peut-être`) group has 1 or 2 people shows None for that group (« secret statistique »).
EPCI totals are published, so inside each EPCI the hidden communes must together hold at least
MIN_PEOPLE people in at least two communes: while they do not, the smallest visible commune is
hidden too (secondary suppression). EPCI figures are computed over all their communes, whatever
territory is viewed, so that two pages cannot be subtracted; no total above the EPCI is published.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from maillage.demand.models import CommuteMode, DemandStatement, Need, Willingness
from maillage.observatory.measured import MIN_PEOPLE
from maillage.territory.models import EPCI, Commune

SECRET_LABEL = "secret statistique"
SECRET_HINT = f"moins de {MIN_PEOPLE} personnes"
NEED_LABELS: dict[str, str] = {str(need.value): str(need.label) for need in Need}
DESK_DAYS = 5  # days per week of one desk-equivalent


@dataclass(frozen=True)
class DemandFigures:
    people: int
    days: int
    desks: float
    needs: dict[str, int]
    car_share: float | None
    km_median: float | None


@dataclass(frozen=True)
class DemandRow:
    """One commune or EPCI; `figures` / `maybe` are None when secret."""

    code: str
    name: str
    epci_code: str
    figures: DemandFigures | None
    maybe: int | None

    @property
    def secret(self) -> bool:
        return self.figures is None


@dataclass(frozen=True)
class DemandTable:
    communes: list[DemandRow]  # communes of the territory with at least one statement, by name
    epcis: list[DemandRow]  # EPCI of those communes, over all their communes, by name
    min_people: int = MIN_PEOPLE
    notes: list[str] = field(default_factory=list)

    def stated_desks(self) -> dict[str, float]:
        """Published desks-equivalent per commune code (secret communes left out)."""
        return {row.code: row.figures.desks for row in self.communes if row.figures is not None}


@dataclass
class _Group:
    people: int = 0
    maybe: int = 0
    days: int = 0
    needs: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    modes_known: int = 0
    car: int = 0
    km: list[int] = field(default_factory=list)

    def add(self, statement: dict) -> None:
        if statement["willingness"] == Willingness.MAYBE:
            self.maybe += 1
            return
        self.people += 1
        self.days += statement["days_per_week"] or 0
        for need in set(statement["needs"] or []):
            if need in NEED_LABELS:
                self.needs[need] += 1
        if statement["commute_mode"]:
            self.modes_known += 1
            self.car += statement["commute_mode"] == CommuteMode.CAR
        if statement["commute_km"] is not None:
            self.km.append(statement["commute_km"])

    def merge(self, other: "_Group") -> None:
        self.people += other.people
        self.maybe += other.maybe
        self.days += other.days
        for need, count in other.needs.items():
            self.needs[need] += count
        self.modes_known += other.modes_known
        self.car += other.car
        self.km.extend(other.km)

    def figures(self) -> DemandFigures:
        return DemandFigures(
            people=self.people,
            days=self.days,
            desks=self.days / DESK_DAYS,
            needs={key: self.needs.get(key, 0) for key in NEED_LABELS},
            car_share=self.car / self.modes_known if self.modes_known else None,
            km_median=float(statistics.median(self.km)) if self.km else None,
        )


def counted_statements() -> Iterable[dict]:
    """Statements that count in the demand: confirmed, willing (oui) or maybe."""
    return DemandStatement.objects.filter(
        status=DemandStatement.Status.CONFIRMED,
        willingness__in=[Willingness.YES, Willingness.MAYBE],
    )


def hidden_codes(counts: dict[str, int], groups: dict[str, str]) -> set[str]:
    """Codes to hide so that no count of 1 or 2 shows, nor can be found by subtracting the
    visible members from their group's total: inside each group, the hidden members hold 0 or at
    least MIN_PEOPLE in at least two members (else the smallest visible one is hidden too, the
    code breaking ties). `groups` maps a code to its group (its EPCI); a member without a group
    (an island commune) has no published total above it."""
    hidden = {code for code, count in counts.items() if 0 < count < MIN_PEOPLE}
    members: dict[str, list[str]] = defaultdict(list)
    for code in counts:
        if groups.get(code):
            members[groups[code]].append(code)
    for codes in members.values():
        while True:
            inside = [code for code in codes if code in hidden]
            if not inside:
                break
            if len(inside) >= 2 and sum(counts[code] for code in inside) >= MIN_PEOPLE:
                break
            visible = sorted(
                (counts[code], code) for code in codes if code not in hidden and counts[code] > 0
            )
            if not visible:
                break  # the group's own total is then below the threshold, hence hidden too
            hidden.add(visible[0][1])
    return hidden


def territory_communes(*, commune_filter: str, code: str) -> list[str]:
    """INSEE codes of a territory's communes (`commune_filter` of observatory.selectors.LEVELS)."""
    return list(Commune.objects.filter(**{commune_filter: code}).values_list("code", flat=True))


def demand_table(*, commune_codes: Sequence[str]) -> DemandTable:
    """The published demand of these communes and of their EPCI (see the module's rules)."""
    wanted = set(commune_codes)
    epci_of = dict(
        Commune.objects.filter(code__in=wanted).values_list("code", "epci__code").iterator()
    )
    epci_codes = {code for code in epci_of.values() if code}
    # Every commune of those EPCI: secondary suppression and EPCI totals do not depend on the
    # territory viewed.
    scope = Q(commune__code__in=wanted) | Q(commune__epci__code__in=epci_codes)
    statements = counted_statements().filter(scope)
    by_commune: dict[str, _Group] = defaultdict(_Group)
    names: dict[str, str] = {}
    groups: dict[str, str] = {}
    for statement in statements.values(
        "commune__code",
        "commune__name",
        "commune__epci__code",
        "willingness",
        "days_per_week",
        "needs",
        "commute_mode",
        "commute_km",
    ).iterator():
        code = statement["commune__code"]
        by_commune[code].add(statement)
        names[code] = statement["commune__name"]
        groups[code] = statement["commune__epci__code"] or ""
    hidden_yes = hidden_codes({c: g.people for c, g in by_commune.items()}, groups)
    hidden_maybe = hidden_codes({c: g.maybe for c, g in by_commune.items()}, groups)
    communes = [
        DemandRow(
            code=code,
            name=names[code],
            epci_code=groups[code],
            figures=None if code in hidden_yes else group.figures(),
            maybe=None if code in hidden_maybe else group.maybe,
        )
        for code, group in by_commune.items()
        if code in wanted
    ]
    communes.sort(key=lambda row: (row.name, row.code))
    return DemandTable(communes=communes, epcis=_epci_rows(by_commune, groups, epci_codes))


def _epci_rows(
    by_commune: dict[str, _Group], groups: dict[str, str], epci_codes: set[str]
) -> list[DemandRow]:
    totals: dict[str, _Group] = defaultdict(_Group)
    for code, group in by_commune.items():
        if groups[code] in epci_codes:
            totals[groups[code]].merge(group)
    epci_names = dict(EPCI.objects.filter(code__in=totals).values_list("code", "name"))
    rows = [
        DemandRow(
            code=code,
            name=epci_names.get(code, code),
            epci_code=code,
            figures=None if 0 < total.people < MIN_PEOPLE else total.figures(),
            maybe=None if 0 < total.maybe < MIN_PEOPLE else total.maybe,
        )
        for code, total in totals.items()
    ]
    rows.sort(key=lambda row: (row.name, row.code))
    return rows
