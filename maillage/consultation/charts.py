"""The ranked bar chart of the results, drawn by the observatory's accessible `bars` (one
series: points), options in rank order, ties marked in the label."""

from maillage.consultation.models import Consultation
from maillage.consultation.selectors import Results
from maillage.observatory.svg.charts import bars


def row_label(label: str, rank: int, tied: bool) -> str:
    return f"{rank}. {label}" + (" (ex aequo)" if tied else "")


def results_chart(consultation: Consultation, results: Results) -> str:
    return bars(
        [row_label(r.label, r.rank, r.tied) for r in results.rows],
        {"Points": [r.points for r in results.rows]},
        title="Points par option",
        unit="points",
        decimals=0,
        ident=f"consultation-{consultation.public_id}",
        description=(
            f"{results.participants} participant(s), {results.points_given} points répartis, "
            "options classées de la plus soutenue à la moins soutenue."
        ),
    )
