"""Writes of the governance sheet and the kept questionnaires.

The sheet is append-only: `sheet_cell_update` and `sheet_restore` each add one `SheetVersion`
numbered after the version the coordinator was looking at. If someone else saved in between,
the numbers collide (unique constraint, on both engines) and the second writer gets a
`GovernanceError` 409 naming who changed what: nothing is overwritten, and the page keeps the
text they typed.
"""

from datetime import datetime
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.governance import sheet
from maillage.governance.errors import GovernanceError
from maillage.governance.models import SavedQuestionnaire, SheetVersion
from maillage.governance.sheet_content import initial_content
from maillage.places.permissions import is_coordinator

MAX_TEXT = 3000
MAX_SOURCES = 12


def _require_coordinator(actor) -> None:
    if not is_coordinator(actor):
        raise PermissionDenied("La fiche de gouvernance est tenue par la coordination du réseau.")


def sources_parse(text: str) -> list[dict]:
    """« Libellé | https://… » per line → [{"label", "url"}]; refusals name the line."""
    sources = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise GovernanceError("Indiquez au moins une source.", field="value")
    if len(lines) > MAX_SOURCES:
        raise GovernanceError(f"Au plus {MAX_SOURCES} sources par modèle.", field="value")
    for number, line in enumerate(lines, start=1):
        label, _sep, url = line.rpartition("|")
        label, url = label.strip(), url.strip()
        parts = urlsplit(url)
        if not label or parts.scheme != "https" or not parts.hostname or len(url) > 500:
            raise GovernanceError(
                f"Ligne {number} : écrivez « libellé | https://… » (une adresse https complète).",
                field="value",
            )
        sources.append({"label": label[:300], "url": url})
    return sources


def cell_value_clean(cell: sheet.Cell, *, text: str = "", points: int = 0, reason: str = ""):
    """The stored value for a cell from what the form sent, or a GovernanceError."""
    if cell.kind == "sources":
        return sources_parse(text)
    if cell.kind == "score":
        if not sheet.MIN_POINTS <= points <= sheet.MAX_POINTS:
            raise GovernanceError("Les points vont de -3 à 3.", field="points")
        reason = (reason or "").strip()
        if points and not reason:
            raise GovernanceError(
                "Donnez la raison de ces points : elle est montrée.", field="reason"
            )
        if len(reason) > 500:
            raise GovernanceError("La raison tient en 500 caractères.", field="reason")
        return {"points": points, "reason": reason}
    text = (text or "").strip()
    if not text:
        raise GovernanceError("Ce texte ne peut pas être vide.", field="value")
    if len(text) > MAX_TEXT:
        raise GovernanceError(f"Ce texte tient en {MAX_TEXT} caractères.", field="value")
    return text


def _conflict(base_number: int) -> GovernanceError:
    latest = SheetVersion.objects.select_related("author").order_by("-number").first()
    who = latest.author.email if latest and latest.author else "la plateforme"
    when = timezone.localtime(latest.created_at).strftime("%d/%m/%Y à %H:%M") if latest else ""
    return GovernanceError(
        f"La fiche a changé pendant votre modification : version {latest.number} enregistrée "
        f"le {when} par {who} ({latest.change}). Votre texte est conservé ci-dessous : "
        "relisez la version actuelle, puis enregistrez à nouveau.",
        status=409,
        code="conflit",
    )


def _append(
    *,
    actor,
    base_number: int,
    content: dict,
    change: str,
    now: datetime,
    restored_from: int | None = None,
) -> SheetVersion:
    try:
        with transaction.atomic():
            current = SheetVersion.objects.order_by("-number").first()
            if current is None or current.number != base_number:
                raise _conflict(base_number)
            version = SheetVersion(
                number=base_number + 1,
                content=content,
                created_at=now,
                author=actor,
                change=change[:300],
                restored_from=restored_from,
            )
            version.save()
            audit_record(
                actor=actor,
                action="governance.restore" if restored_from else "governance.update",
                obj=version,
                summary=f"Fiche de gouvernance : version {version.number}",
                data={
                    "version": version.number,
                    "base": base_number,
                    "restored_from": restored_from,
                },
            )
    except IntegrityError:
        raise _conflict(base_number) from None
    return version


def sheet_cell_update(
    *, actor, base_number: int, address: str, value, now: datetime | None = None
) -> SheetVersion:
    """Change one cell (value already cleaned by `cell_value_clean`) as a new version.
    Side effects: one SheetVersion, one audit event. Refusals: 403 (not a coordinator), 404
    (unknown cell), 409 (someone saved since `base_number`), 400 (nothing changed)."""
    _require_coordinator(actor)
    base = SheetVersion.objects.filter(number=base_number).first()
    if base is None:
        raise _conflict(base_number)
    try:
        cell = sheet.cell_get(base.content, address)
    except sheet.UnknownCell:
        raise GovernanceError("Cette case n'existe pas.", status=404) from None
    if cell.value == value:
        raise GovernanceError("Rien n'a changé : la fiche reste à cette version.", field="value")
    content = sheet.cell_set(base.content, address, value)
    return _append(
        actor=actor,
        base_number=base_number,
        content=content,
        change=cell.label,
        now=now or timezone.now(),
    )


def sheet_restore(
    *, actor, base_number: int, restore_number: int, now: datetime | None = None
) -> SheetVersion:
    """Bring back an older version's content as a new version (history is never rewritten)."""
    _require_coordinator(actor)
    old = SheetVersion.objects.filter(number=restore_number).first()
    if old is None:
        raise GovernanceError("Cette version n'existe pas.", status=404)
    if old.number == base_number:
        raise GovernanceError("C'est déjà la version actuelle.")
    return _append(
        actor=actor,
        base_number=base_number,
        content=old.content,
        change=f"Retour à la version {old.number}",
        now=now or timezone.now(),
        restored_from=old.number,
    )


def questionnaire_save(
    *, owner, project: str, answers: dict, version: SheetVersion, now: datetime | None = None
) -> SavedQuestionnaire:
    """Keep a signed-in person's answers (already checked against `version`) for a project."""
    if not owner.is_authenticated:
        raise GovernanceError("Connectez-vous pour garder vos réponses.", status=403)
    if sheet.answer_errors(version.content, answers):
        raise GovernanceError("Répondez à toutes les questions avec les choix proposés.")
    project = (project or "").strip()[:120]
    if not project:
        raise GovernanceError("Donnez un nom au projet.", field="project")
    with transaction.atomic():
        saved = SavedQuestionnaire.objects.create(
            owner=owner,
            project=project,
            answers=answers,
            version=version,
            created_at=now or timezone.now(),
        )
        audit_record(
            actor=owner,
            action="governance.questionnaire_save",
            obj=saved,
            data={"version": version.number},
        )
    return saved


def questionnaire_delete(*, owner, saved: SavedQuestionnaire) -> None:
    """Delete one's own kept questionnaire (the caller fetched it through the owner's scope)."""
    if saved.owner_id != owner.pk:
        raise GovernanceError("Questionnaire introuvable.", status=404)
    with transaction.atomic():
        audit_record(actor=owner, action="governance.questionnaire_delete", obj=saved)
        saved.delete()


def questionnaires_erase(user) -> int:
    """RGPD eraser: a member's kept questionnaires are theirs alone; they go."""
    count, _ = SavedQuestionnaire.objects.filter(owner=user).delete()
    return count


def sheet_seed(*, now: datetime | None = None) -> SheetVersion:
    """Version 1 from sheet_content.py when the sheet is empty (migration 0002 does the same
    with the historical model; test flushes empty the table)."""
    existing = SheetVersion.objects.order_by("-number").first()
    if existing is not None:
        return existing
    version = SheetVersion(
        number=1,
        content=initial_content(),
        created_at=now or timezone.now(),
        change="Première version de la fiche",
    )
    version.save()
    return version
