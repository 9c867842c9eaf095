"""The label's use cases: the coordination's criteria, a place's application, the audit and the
decision, the award's life (suspension, revocation). Each transition runs in one transaction,
locks the application (or award) row, checks the current status, then writes the history step
(`ApplicationStep`), the audit event and the team's e-mails: a double click or two coordinators
at once give one transition and a French refusal for the other, and a refusal saves nothing.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.core import documents
from maillage.labelling import notifications
from maillage.labelling.badges import paris_day
from maillage.labelling.errors import LabelError
from maillage.labelling.models import (
    MAX_VALIDITY_MONTHS,
    MIN_VALIDITY_MONTHS,
    Answer,
    Application,
    ApplicationStep,
    Award,
    AwardSuspension,
    Criterion,
    Evidence,
    LabelScheme,
)
from maillage.labelling.platform import platform_figure
from maillage.places.models import Place

Status = Application.Status
Step = ApplicationStep.Kind
EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
MAX_LINKS = 5
MAX_LINK_LENGTH = 500
MAX_FILES_PER_ANSWER = 5
MAX_REMINDER_DAYS = 365


def evidence_storage() -> Storage:
    """Asked at each use, so that a test's storage setting applies at once."""
    return storages["labelling"]


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; a day missing from the target month becomes that
    month's last day (31 January + 1 month = 28 or 29 February), as dateutil's relativedelta."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last))


def _step(
    *,
    place: Place,
    kind: str,
    now: datetime,
    actor=None,
    application: Application | None = None,
    award: Award | None = None,
    message: str = "",
    data: dict | None = None,
) -> ApplicationStep:
    return ApplicationStep.objects.create(
        place=place,
        application=application,
        award=award,
        kind=kind,
        at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        message=message,
        data=data or {},
    )


def _application_event(
    application: Application,
    kind: str,
    *,
    user,
    now: datetime,
    message: str,
    action: str,
    data: dict | None = None,
) -> None:
    """One step of an application, told three ways in the caller's transaction: the place's
    history, the journal and the team's e-mails."""
    _step(
        place=application.place,
        kind=kind,
        now=now,
        actor=user,
        application=application,
        message=message,
        data=data,
    )
    audit_record(actor=user, action=action, obj=application)
    notifications.team_notify(
        place=application.place,
        kind=kind,
        scheme_name=application.scheme.name,
        message=message,
        application=application,
    )


def _required_text(value: str, *, field: str, what: str, limit: int = 5000) -> str:
    text = (value or "").strip()
    if not text:
        raise LabelError(f"Indiquez {what}.", field=field)
    if len(text) > limit:
        raise LabelError(f"Texte trop long : {limit} caractères au plus.", field=field)
    return text


# ---------------------------------------------------------------- scheme and criteria


def scheme_update(
    *,
    user,
    scheme: LabelScheme,
    name: str,
    short_name: str,
    description: str,
    validity_months: int,
    reminder_days: list[int],
    accepting: bool,
) -> LabelScheme:
    """Change the label's settings. Side effect: audit event `label.scheme_update`."""
    if not MIN_VALIDITY_MONTHS <= validity_months <= MAX_VALIDITY_MONTHS:
        raise LabelError(
            f"Durée de validité entre {MIN_VALIDITY_MONTHS} et {MAX_VALIDITY_MONTHS} mois.",
            field="validity_months",
        )
    days = sorted({int(d) for d in reminder_days}, reverse=True)
    if any(not 1 <= d <= MAX_REMINDER_DAYS for d in days) or len(days) > 5:
        raise LabelError(
            f"Relances : au plus 5 délais, chacun entre 1 et {MAX_REMINDER_DAYS} jours.",
            field="reminder_days",
        )
    with transaction.atomic():
        scheme = LabelScheme.objects.select_for_update().get(pk=scheme.pk)
        scheme.name = _required_text(name, field="name", what="le nom du label", limit=150)
        scheme.short_name = _required_text(
            short_name, field="short_name", what="le nom court", limit=40
        )
        scheme.description = (description or "").strip()[:5000]
        scheme.validity_months = validity_months
        scheme.reminder_days = days
        scheme.accepting = accepting
        scheme.save(
            update_fields=[
                "name",
                "short_name",
                "description",
                "validity_months",
                "reminder_days",
                "accepting",
            ]
        )
        audit_record(actor=user, action="label.scheme_update", obj=scheme, summary=scheme.name)
    return scheme


@dataclass(frozen=True)
class CriterionInput:
    group: str
    title: str
    description: str = ""
    mandatory: bool = False
    evidence_asked: str = ""
    platform_figure: str = ""


def _criterion_fields(data: CriterionInput) -> dict:
    if data.group not in Criterion.Group.values:
        raise LabelError("Famille de critères inconnue.", field="group")
    if data.platform_figure not in Criterion.PlatformFigure.values:
        raise LabelError("Donnée de la plateforme inconnue.", field="platform_figure")
    return {
        "group": data.group,
        "title": _required_text(data.title, field="title", what="l'intitulé", limit=200),
        "description": (data.description or "").strip()[:2000],
        "mandatory": bool(data.mandatory),
        "evidence_asked": (data.evidence_asked or "").strip()[:500],
        "platform_figure": data.platform_figure,
    }


TITLE_TAKEN = "Un critère porte déjà cet intitulé."


def _title_taken(scheme: LabelScheme, title: str, exclude_pk: int | None = None) -> bool:
    others = Criterion.objects.filter(scheme=scheme, title=title, retired_at__isnull=True)
    return others.exclude(pk=exclude_pk).exists()


def criterion_create(*, user, scheme: LabelScheme, data: CriterionInput) -> Criterion:
    """Add a criterion at the end of its group. Side effect: audit `label.criterion_create`."""
    fields = _criterion_fields(data)
    try:
        with transaction.atomic():
            LabelScheme.objects.select_for_update().get(pk=scheme.pk)
            if _title_taken(scheme, fields["title"]):
                raise LabelError(TITLE_TAKEN, field="title")
            last = Criterion.objects.filter(scheme=scheme, group=fields["group"]).aggregate(
                m=Max("position")
            )["m"]
            criterion = Criterion.objects.create(scheme=scheme, position=(last or 0) + 1, **fields)
            # Applications already open get an empty answer too, so their pages list the new
            # criterion and the team can answer it before submitting (application_open takes
            # the scheme's lock too: an application opening meanwhile gets it one way or the other).
            Answer.objects.bulk_create(
                [
                    Answer(application_id=pk, criterion=criterion)
                    for pk in Application.objects.filter(
                        scheme=scheme, status__in=Application.OPEN_STATUSES
                    ).values_list("pk", flat=True)
                ],
                ignore_conflicts=True,
            )
            audit_record(actor=user, action="label.criterion_create", obj=criterion)
    except IntegrityError:  # the unique title, should a writer slip past the lock
        raise LabelError(TITLE_TAKEN, field="title") from None
    return criterion


def criterion_update(*, user, criterion: Criterion, data: CriterionInput) -> Criterion:
    """Edit a criterion still in use. Side effect: audit `label.criterion_update`."""
    fields = _criterion_fields(data)
    try:
        with transaction.atomic():
            # The scheme's row first, like criterion_create: two coordinators giving two
            # criteria the same title are serialised and the second gets the French refusal.
            LabelScheme.objects.select_for_update().get(pk=criterion.scheme_id)
            criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
            if criterion.retired_at is not None:
                raise LabelError("Ce critère est retiré : il ne peut plus être modifié.")
            if _title_taken(criterion.scheme, fields["title"], exclude_pk=criterion.pk):
                raise LabelError(TITLE_TAKEN, field="title")
            for name, value in fields.items():
                setattr(criterion, name, value)
            criterion.save(update_fields=list(fields))
            audit_record(actor=user, action="label.criterion_update", obj=criterion)
    except IntegrityError:  # the unique title, should a writer slip past the lock
        raise LabelError(TITLE_TAKEN, field="title") from None
    return criterion


def _answered(criterion: Criterion) -> bool:
    """Whether an application answered the criterion: an answer with any content, or any
    answer of an application no longer open (open ones get empty answers when it is added)."""
    answers = criterion.answers.all()
    if answers.exclude(application__status__in=Application.OPEN_STATUSES).exists():
        return True
    if answers.exclude(self_assessment="", comment="").exists():
        return True
    if Evidence.objects.filter(answer__criterion=criterion).exists():
        return True
    return any(links for links in answers.values_list("links", flat=True))


def criterion_retire(*, user, criterion: Criterion, now: datetime | None = None) -> str:
    """Retire a criterion: kept (retired) when an application answered it, else deleted.
    Returns "retired" or "deleted". Side effect: audit `label.criterion_retire`."""
    now = now or timezone.now()
    with transaction.atomic():
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
        if criterion.retired_at is not None:
            raise LabelError("Ce critère est déjà retiré.")
        data = {"criterion_id": criterion.pk}
        if _answered(criterion):
            criterion.retired_at = now
            criterion.save(update_fields=["retired_at"])
            audit_record(actor=user, action="label.criterion_retire", obj=criterion, data=data)
            return "retired"
        audit_record(
            actor=user,
            action="label.criterion_delete",
            object_type="labelling.criterion",
            object_id=str(criterion.pk),
            data=data,
        )
        criterion.answers.all().delete()  # the empty answers of open applications
        criterion.delete()
        return "deleted"


def criterion_move(*, user, criterion: Criterion, direction: str) -> Criterion:
    """Swap the criterion with its neighbour in its group ("up" or "down"); positions are then
    renumbered 1..n so that equal positions never leave the order undecided."""
    if direction not in ("up", "down"):
        raise LabelError("Sens de déplacement inconnu.")
    with transaction.atomic():
        LabelScheme.objects.select_for_update().get(pk=criterion.scheme_id)
        siblings = list(
            Criterion.objects.filter(
                scheme_id=criterion.scheme_id, group=criterion.group, retired_at__isnull=True
            ).order_by("position", "id")
        )
        index = next((i for i, c in enumerate(siblings) if c.pk == criterion.pk), None)
        if index is None:
            raise LabelError("Ce critère est retiré : il ne peut plus être déplacé.")
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        audit_record(actor=user, action="label.criterion_move", obj=criterion)
    return Criterion.objects.get(pk=criterion.pk)


# ---------------------------------------------------------------- the place's application


def _lock(application: Application) -> Application:
    """The application's row only (PostgreSQL would otherwise lock the joined place and
    scheme too, serialising every place's audit); SQLite serialises writers anyway."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("place", "scheme")
        .get(pk=application.pk)
    )


def _expect(application: Application, statuses: tuple, message: str) -> None:
    if application.status not in statuses:
        raise LabelError(
            f"{message} (la candidature est « {application.get_status_display()} »).",
            status=409,
            code="etat",
        )


def application_open(
    *, user, scheme: LabelScheme, place: Place, now: datetime | None = None
) -> Application:
    """Open an application (a renewal when the place holds or held this label), with an empty
    answer per criterion. A second open application for the place is refused (checked first,
    and backed by the database constraint when two requests race). Side effects: CREATED step,
    audit `label.application_open`."""
    now = now or timezone.now()
    if not scheme.accepting:
        raise LabelError("Les candidatures à ce label sont fermées pour le moment.", status=409)
    already = "Ce lieu a déjà une candidature en cours pour ce label : complétez-la plutôt."
    if Application.objects.filter(
        scheme=scheme, place=place, status__in=Application.OPEN_STATUSES
    ).exists():
        raise LabelError(already, status=409, code="doublon")
    held = Award.objects.filter(scheme=scheme, place=place).exists()
    kind = Application.Kind.RENEWAL if held else Application.Kind.FIRST
    try:
        with transaction.atomic():
            # The scheme's row, as criterion_create: a criterion added meanwhile is either
            # listed below or given an empty answer by criterion_create.
            LabelScheme.objects.select_for_update().get(pk=scheme.pk)
            application = Application.objects.create(
                scheme=scheme, place=place, kind=kind, created_by=user
            )
            Answer.objects.bulk_create(
                [
                    Answer(application=application, criterion=criterion)
                    for criterion in scheme.criteria.filter(retired_at__isnull=True)
                ]
            )
            _step(place=place, kind=Step.CREATED, now=now, actor=user, application=application)
            audit_record(
                actor=user,
                action="label.application_open",
                obj=application,
                data={"place_id": place.pk, "kind": kind},
            )
    except IntegrityError:
        raise LabelError(already, status=409, code="doublon") from None
    return application


def _answer_for(application: Application, criterion_id: int) -> Answer:
    """The application's answer to a criterion of its label still in use (created when the
    criterion was added after the application opened); anything else is refused."""
    criterion = Criterion.objects.filter(
        pk=criterion_id, scheme_id=application.scheme_id, retired_at__isnull=True
    ).first()
    if criterion is None:
        raise LabelError("Critère inconnu pour ce label.", status=404, code="inconnu")
    answer, _created = Answer.objects.get_or_create(application=application, criterion=criterion)
    return answer


def clean_links(values: list[str]) -> list[str]:
    """At most MAX_LINKS http(s) addresses, each bounded; anything else is a French refusal."""
    links = [v.strip() for v in values if v and v.strip()]
    if len(links) > MAX_LINKS:
        raise LabelError(f"{MAX_LINKS} liens au plus.", field="links")
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        if len(link) > MAX_LINK_LENGTH:
            raise LabelError(
                f"Lien trop long : {MAX_LINK_LENGTH} caractères au plus.", field="links"
            )
        try:
            check(link)
        except ValidationError:
            raise LabelError(
                f"Lien non valide (adresse http ou https attendue) : {link[:80]}", field="links"
            ) from None
    return links


def _checked_upload(upload) -> documents.CheckedDocument:
    try:
        return documents.document_check(upload, field="file")
    except ValidationError as error:
        raise LabelError(error.message_dict["file"][0], field="file") from None


def answer_save(
    *,
    user,
    application: Application,
    criterion_id: int,
    self_assessment: str,
    comment: str,
    links: list[str],
    upload=None,
) -> Answer:
    """The team's self-assessment of one criterion while the application is editable, with
    one more evidence file if `upload` is given: type recognised by content (PDF, images,
    ODF/OOXML), size capped, stored under a generated name in the private `labelling` storage.
    All or nothing: a refusal leaves the answer as it was and no file (the stored one is
    removed). Side effect: audit `label.evidence_add` for a file."""
    if self_assessment and self_assessment not in Answer.SelfAssessment.values:
        raise LabelError("Auto-évaluation inconnue.", field="self_assessment")
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise LabelError("Commentaire trop long : 5000 caractères au plus.", field="comment")
    links = clean_links(links)
    checked = _checked_upload(upload) if upload is not None else None
    storage = evidence_storage()
    path = documents.document_store(storage, upload, checked) if checked else ""
    try:
        with transaction.atomic():
            application = _lock(application)
            _expect(application, EDITABLE, "Cette candidature ne peut plus être modifiée")
            answer = _answer_for(application, criterion_id)
            changed = checked is not None or (
                answer.self_assessment,
                answer.comment,
                answer.links,
            ) != (self_assessment, comment, links)
            answer.self_assessment = self_assessment
            answer.comment = comment
            answer.links = links
            answer.save(update_fields=["self_assessment", "comment", "links"])
            if changed:
                _verdict_reset(user, application, answer)
            if checked:
                _evidence_create(user, application, answer, path, checked)
    except BaseException:
        if path:
            documents.document_delete(storage, path)
        raise
    return answer


def _verdict_reset(user, application: Application, answer: Answer) -> None:
    """The team changed what was judged: a verdict given earlier no longer holds (a
    « conforme » must not survive a downgrade), so the answer is to be judged again."""
    if answer.verdict == Answer.Verdict.PENDING:
        return
    audit_record(
        actor=user,
        action="label.verdict_reset",
        obj=application,
        data={"criterion_id": answer.criterion_id, "verdict": answer.verdict},
    )
    answer.verdict = Answer.Verdict.PENDING
    answer.save(update_fields=["verdict"])


def _evidence_create(
    user, application: Application, answer: Answer, path: str, checked
) -> Evidence:
    if answer.files.count() >= MAX_FILES_PER_ANSWER:
        raise LabelError(f"{MAX_FILES_PER_ANSWER} fichiers au plus par critère.", field="file")
    evidence = Evidence.objects.create(
        answer=answer,
        path=path,
        name=checked.download_name[:120],
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=user,
    )
    audit_record(
        actor=user,
        action="label.evidence_add",
        obj=application,
        data={"evidence_id": evidence.pk, "criterion_id": answer.criterion_id},
    )
    return evidence


def evidence_remove(*, user, evidence: Evidence) -> None:
    """Remove a file while the application is editable; the file goes after the commit."""
    with transaction.atomic():
        application = _lock(evidence.answer.application)
        _expect(application, EDITABLE, "Cette candidature ne peut plus être modifiée")
        evidence = Evidence.objects.select_related("answer").get(pk=evidence.pk)
        path = evidence.path
        audit_record(
            actor=user,
            action="label.evidence_remove",
            obj=application,
            data={"evidence_id": evidence.pk},
        )
        evidence.delete()
        _verdict_reset(user, application, evidence.answer)
        transaction.on_commit(lambda: documents.document_delete(evidence_storage(), path))


def application_submit(
    *, user, application: Application, now: datetime | None = None
) -> Application:
    """Submit (or resubmit) for audit: every criterion in use answered, else a refusal naming
    them and nothing changed. The platform's figures are computed now and frozen on the
    answers. Side effects: SUBMITTED step, audit `label.application_submit`."""
    now = now or timezone.now()
    with transaction.atomic():
        application = _lock(application)
        _expect(application, EDITABLE, "Cette candidature ne peut pas être déposée")
        criteria = list(application.scheme.criteria.filter(retired_at__isnull=True))
        # No lock of its own: the application's row lock already serialises every writer of
        # its answers, and locking answers would (through Answer's ordering) join and lock the
        # shared criterion rows on PostgreSQL (deadlock risk with criterion_move).
        answers = {
            a.criterion_id: a
            for a in Answer.objects.filter(
                application=application, criterion_id__in=[c.pk for c in criteria]
            ).order_by("pk")
        }
        missing = [c for c in criteria if not getattr(answers.get(c.pk), "self_assessment", "")]
        if missing:
            error = LabelError(
                "Répondez à chaque critère avant de déposer la candidature : "
                + " ; ".join(c.title for c in missing),
                code="incomplete",
            )
            error.missing = [c.pk for c in missing]
            raise error
        for criterion in criteria:
            answer = answers[criterion.pk]
            answer.platform_value = platform_figure(
                application.place, criterion.platform_figure, now=now
            )
            answer.save(update_fields=["platform_value"])
        application.status = Status.SUBMITTED
        application.submitted_at = now
        application.save(update_fields=["status", "submitted_at"])
        _step(
            place=application.place,
            kind=Step.SUBMITTED,
            now=now,
            actor=user,
            application=application,
        )
        audit_record(actor=user, action="label.application_submit", obj=application)
    return application


def application_withdraw(
    *, user, application: Application, now: datetime | None = None
) -> Application:
    """The team withdraws an open application. Side effects: WITHDRAWN step, audit event."""
    now = now or timezone.now()
    with transaction.atomic():
        application = _lock(application)
        _expect(application, Application.OPEN_STATUSES, "Cette candidature est déjà close")
        application.status = Status.WITHDRAWN
        application.save(update_fields=["status"])
        _step(
            place=application.place,
            kind=Step.WITHDRAWN,
            now=now,
            actor=user,
            application=application,
        )
        audit_record(actor=user, action="label.application_withdraw", obj=application)
    return application


# ---------------------------------------------------------------- the coordination's audit


def answer_audit(
    *, user, application: Application, criterion_id: int, verdict: str, audit_comment: str
) -> Answer:
    """The coordination's verdict on one answer of a submitted application."""
    if verdict not in Answer.Verdict.values:
        raise LabelError("Avis inconnu.", field="verdict")
    audit_comment = (audit_comment or "").strip()
    if len(audit_comment) > 5000:
        raise LabelError("Commentaire trop long : 5000 caractères au plus.", field="audit_comment")
    with transaction.atomic():
        application = _lock(application)
        _expect(application, (Status.SUBMITTED,), "Seule une candidature déposée s'évalue")
        answer = Answer.objects.filter(application=application, criterion_id=criterion_id).first()
        if answer is None:
            raise LabelError("Critère inconnu pour cette candidature.", status=404)
        answer.verdict = verdict
        answer.audit_comment = audit_comment
        answer.save(update_fields=["verdict", "audit_comment"])
        audit_record(
            actor=user,
            action="label.answer_audit",
            obj=application,
            data={"criterion_id": answer.criterion_id, "verdict": verdict},
        )
    return answer


def application_comment(
    *, user, application: Application, message: str, now: datetime | None = None
) -> ApplicationStep:
    """A general comment of the coordination, kept in the history (the team sees it)."""
    now = now or timezone.now()
    message = _required_text(message, field="message", what="votre commentaire")
    with transaction.atomic():
        application = _lock(application)
        step = _step(
            place=application.place,
            kind=Step.COMMENT,
            now=now,
            actor=user,
            application=application,
            message=message,
        )
        audit_record(actor=user, action="label.application_comment", obj=application)
    return step


def application_request_changes(
    *, user, application: Application, message: str, now: datetime | None = None
) -> Application:
    """Send a submitted application back to the team (« à compléter »), who edit and resubmit.
    Side effects: CHANGES_REQUESTED step, audit event, e-mail to the team."""
    now = now or timezone.now()
    message = _required_text(message, field="message", what="les compléments attendus")
    with transaction.atomic():
        application = _lock(application)
        _expect(
            application, (Status.SUBMITTED,), "Seule une candidature déposée peut être renvoyée"
        )
        application.status = Status.CHANGES_REQUESTED
        application.save(update_fields=["status"])
        _application_event(
            application,
            Step.CHANGES_REQUESTED,
            user=user,
            now=now,
            message=message,
            action="label.application_request_changes",
        )
    return application


def application_set_visit(
    *, user, application: Application, day: date, message: str = "", now: datetime | None = None
) -> Application:
    """Set the audit visit date (a Paris calendar day, not in the past). Side effects: VISIT
    step, audit event, e-mail to the team."""
    now = now or timezone.now()
    if day < paris_day(now):
        raise LabelError("La date de visite ne peut pas être passée.", field="visit_on")
    message = (message or "").strip()[:2000]
    with transaction.atomic():
        application = _lock(application)
        _expect(
            application,
            (Status.SUBMITTED, Status.CHANGES_REQUESTED),
            "Une visite se programme pour une candidature en cours d'examen",
        )
        application.visit_on = day
        application.save(update_fields=["visit_on"])
        text = f"Visite prévue le {day:%d/%m/%Y}." + (f"\n{message}" if message else "")
        _application_event(
            application,
            Step.VISIT,
            user=user,
            now=now,
            message=text,
            action="label.application_visit",
            data={"visit_on": day.isoformat()},
        )
    return application


GRANT_START_DAYS_BACK = 31
GRANT_START_MONTHS_AHEAD = 12


def grant_start_check(starts_on: date, *, today: date) -> date:
    """The chosen first day of an award, bounded: at most a month back (a decision taken at
    a meeting and typed in later) and a year ahead. Beyond, a label never in force or a date
    out of reach of the calendar; refused with a French message on `starts_on`."""
    first = today - timedelta(days=GRANT_START_DAYS_BACK)
    last = add_months(today, GRANT_START_MONTHS_AHEAD)
    if not first <= starts_on <= last:
        raise LabelError(
            f"Le début du label doit être entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y}.",
            field="starts_on",
        )
    return starts_on


def _award_start(application: Application, starts_on: date) -> date:
    """A renewal granted while the previous award still runs starts at its expiry (no gap, no
    overlap); otherwise the chosen day."""
    running = (
        Award.objects.filter(
            scheme=application.scheme,
            place=application.place,
            revoked_at__isnull=True,
            expires_on__gt=starts_on,
        )
        .order_by("-expires_on")
        .first()
    )
    return running.expires_on if running is not None else starts_on


def application_grant(
    *,
    user,
    application: Application,
    reason: str = "",
    override_reason: str = "",
    starts_on: date | None = None,
    now: datetime | None = None,
) -> Award:
    """Grant the label: every mandatory criterion must have the verdict « conforme », else a
    refusal listing them, unless an override reason is given (then kept on the application
    and in the history as « dérogation »). Creates the Award from `starts_on` (default: today
    in Paris; a renewal starts at the running award's expiry) for the scheme's validity.
    Side effects: GRANTED or OVERRIDE step, audit `label.grant`, e-mail to the team."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    override_reason = (override_reason or "").strip()
    if len(reason) > 5000 or len(override_reason) > 5000:
        raise LabelError("Texte trop long : 5000 caractères au plus.", field="reason")
    if starts_on is not None:
        grant_start_check(starts_on, today=paris_day(now))
    with transaction.atomic():
        application = _lock(application)
        _expect(
            application, (Status.SUBMITTED,), "Seule une candidature déposée peut être accordée"
        )
        met = set(
            application.answers.filter(verdict=Answer.Verdict.MET).values_list(
                "criterion_id", flat=True
            )
        )
        mandatory = application.scheme.criteria.filter(mandatory=True, retired_at__isnull=True)
        unmet = [c for c in mandatory if c.pk not in met]
        if unmet and not override_reason:
            raise LabelError(
                "Critères obligatoires non jugés conformes : "
                + " ; ".join(c.title for c in unmet)
                + ". Jugez-les conformes ou indiquez le motif d'une dérogation.",
                status=409,
                code="obligatoires",
                field="override_reason",
            )
        scheme = application.scheme
        first_day = _award_start(application, starts_on or paris_day(now))
        award = Award.objects.create(
            scheme=scheme,
            place=application.place,
            application=application,
            starts_on=first_day,
            expires_on=add_months(first_day, scheme.validity_months),
        )
        application.status = Status.GRANTED
        application.decided_at = now
        application.decided_by = user
        application.decision_reason = reason
        application.override_reason = override_reason if unmet else ""
        application.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "decision_reason",
                "override_reason",
            ]
        )
        kind = Step.OVERRIDE if unmet else Step.GRANTED
        text = (
            f"Label valable du {award.starts_on:%d/%m/%Y} au {award.expires_on:%d/%m/%Y} (exclu)."
        )
        if unmet:
            text += f"\nDérogation : {override_reason}"
        if reason:
            text += f"\n{reason}"
        _step(
            place=application.place,
            kind=kind,
            now=now,
            actor=user,
            application=application,
            award=award,
            message=text,
            data={"unmet_criteria": [c.pk for c in unmet]},
        )
        audit_record(
            actor=user,
            action="label.grant",
            obj=award,
            data={"application_id": application.pk, "override": bool(unmet)},
        )
        notifications.team_notify(
            place=application.place,
            kind=kind,
            scheme_name=scheme.name,
            message=text,
            application=application,
        )
    return award


def application_refuse(
    *, user, application: Application, reason: str, now: datetime | None = None
) -> Application:
    """Refuse with reasons (required). Side effects: REFUSED step, audit, e-mail."""
    now = now or timezone.now()
    reason = _required_text(reason, field="reason", what="les motifs du refus")
    with transaction.atomic():
        application = _lock(application)
        _expect(application, (Status.SUBMITTED,), "Seule une candidature déposée peut être refusée")
        application.status = Status.REFUSED
        application.decided_at = now
        application.decided_by = user
        application.decision_reason = reason
        application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        _application_event(
            application,
            Step.REFUSED,
            user=user,
            now=now,
            message=reason,
            action="label.refuse",
        )
    return application


# ---------------------------------------------------------------- the award's life


def _lock_award(award: Award) -> Award:
    # Only the award's row (PostgreSQL would otherwise lock the joined place and scheme too).
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related("place", "scheme")
        .get(pk=award.pk)
    )


def _award_step(
    award: Award, kind: str, *, user, now: datetime, message: str, action: str, notify=True
):
    _step(
        place=award.place,
        kind=kind,
        now=now,
        actor=user,
        application=award.application,
        award=award,
        message=message,
    )
    audit_record(actor=user, action=action, obj=award)
    if notify:
        notifications.team_notify(
            place=award.place,
            kind=kind,
            scheme_name=award.scheme.name,
            message=message,
            application=award.application,
        )


def _later_awards(award: Award) -> list[Award]:
    """The place's later awards of the same label not revoked (a renewal already granted,
    chained at this award's expiry), locked: they share the award's fate, else the label
    would come back at the expiry of a revoked or suspended award."""
    return list(
        Award.objects.select_for_update(of=("self",))
        .select_related("place", "scheme", "application")
        .filter(
            place_id=award.place_id,
            scheme_id=award.scheme_id,
            starts_on__gt=award.starts_on,
            revoked_at__isnull=True,
        )
        .order_by("pk")
    )


def award_suspend(*, user, award: Award, reason: str, now: datetime | None = None) -> Award:
    """Suspend an award (reason required): the place is not labelled while suspended, from
    the Paris day of the suspension. A renewal already granted is suspended with it (its own
    step), and reinstated with it. The period is kept (`AwardSuspension`) so past days keep
    their answer. Side effects: SUSPENDED steps, audit, one e-mail to the team."""
    now = now or timezone.now()
    reason = _required_text(reason, field="reason", what="le motif de la suspension")
    with transaction.atomic():
        award = _lock_award(award)
        if award.revoked_at is not None or award.suspended_at is not None:
            raise LabelError("Ce label est déjà suspendu ou retiré.", status=409, code="etat")
        later = [a for a in _later_awards(award) if a.suspended_at is None]
        for target in [award, *later]:
            target.suspended_at = now
            target.suspension_reason = reason
            target.save(update_fields=["suspended_at", "suspension_reason"])
            AwardSuspension.objects.create(
                award=target, origin=award, suspended_at=now, reason=reason
            )
            message = reason if target is award else f"Suspendu avec le label en cours : {reason}"
            _award_step(
                target,
                Step.SUSPENDED,
                user=user,
                now=now,
                message=message,
                action="label.suspend",
                notify=target is award,
            )
    return award


def award_reinstate(*, user, award: Award, message: str = "", now: datetime | None = None) -> Award:
    """Lift a suspension (the expiry date is unchanged), with the awards suspended together
    (a renewal suspended with the running award). Side effects: REINSTATED steps, audit,
    one e-mail to the team."""
    now = now or timezone.now()
    message = (message or "").strip()[:2000]
    with transaction.atomic():
        award = _lock_award(award)
        if award.revoked_at is not None or award.suspended_at is None:
            raise LabelError("Ce label n'est pas suspendu.", status=409, code="etat")
        period = AwardSuspension.objects.filter(award=award, reinstated_at__isnull=True).first()
        together = (
            list(
                AwardSuspension.objects.select_for_update(of=("self",))
                .filter(origin_id=period.origin_id, reinstated_at__isnull=True)
                .exclude(award__revoked_at__isnull=False)
                .order_by("pk")
            )
            if period is not None
            else []
        )
        targets = [award] + [_lock_award(p.award) for p in together if p.award_id != award.pk]
        AwardSuspension.objects.filter(
            award__in=[t.pk for t in targets], reinstated_at__isnull=True
        ).update(reinstated_at=now)
        for target in targets:
            target.suspended_at = None
            target.suspension_reason = ""
            target.save(update_fields=["suspended_at", "suspension_reason"])
            _award_step(
                target,
                Step.REINSTATED,
                user=user,
                now=now,
                message=message,
                action="label.reinstate",
                notify=target is award,
            )
    return award


def award_revoke(*, user, award: Award, reason: str, now: datetime | None = None) -> Award:
    """Withdraw the label for good (reason required), from the Paris day of the revocation;
    a renewal already granted is revoked with it (its own step). A new application starts
    over. Side effects: REVOKED steps, audit, one e-mail to the team."""
    now = now or timezone.now()
    reason = _required_text(reason, field="reason", what="le motif du retrait")
    with transaction.atomic():
        award = _lock_award(award)
        if award.revoked_at is not None:
            raise LabelError("Ce label est déjà retiré.", status=409, code="etat")
        for target in [award, *_later_awards(award)]:
            target.revoked_at = now
            target.save(update_fields=["revoked_at"])
            # An open suspension ends with the revocation (the revocation rules from now on).
            AwardSuspension.objects.filter(award=target, reinstated_at__isnull=True).update(
                reinstated_at=now
            )
            message = reason if target is award else f"Retiré avec le label en cours : {reason}"
            _award_step(
                target,
                Step.REVOKED,
                user=user,
                now=now,
                message=message,
                action="label.revoke",
                notify=target is award,
            )
    return award
