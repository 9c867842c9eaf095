"""Every write of a consultation: settings and options, publishing, closing, invitations,
ballots. Each runs in one transaction that first locks the consultation's row, so a ballot and a
change of options never cross, and two submissions of one participant follow each other (on
SQLite the IMMEDIATE transactions serialise writers; on PostgreSQL the row lock does)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.consultation import notifications
from maillage.consultation.errors import ConsultationError, not_found
from maillage.consultation.models import (
    MAX_OPTIONS,
    MAX_POINTS,
    MIN_OPTIONS,
    MIN_POINTS,
    Allocation,
    Ballot,
    Consultation,
    Invitation,
    Option,
)
from maillage.consultation.phases import Phase, phase
from maillage.places.permissions import is_coordinator

MAX_INVITATIONS = 200
TOKEN_SALT = "maillage.consultation.invitation"
# An invitation link votes until closing, then shows the results for this long.
LINK_AFTER_CLOSING = timedelta(days=30)


@dataclass(frozen=True)
class Settings:
    """What a coordinator chooses; dates are aware instants (the form reads them in Paris)."""

    title: str
    question: str
    points: int
    max_per_option: int | None
    access: str
    results: str
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class OptionInput:
    label: str
    description: str = ""


@dataclass(frozen=True)
class Voter:
    """Who votes: a signed-in account (open consultation) or an invitation (its link)."""

    user: object | None = None
    invitation: Invitation | None = None


@dataclass
class InvitationReport:
    sent: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _require_coordinator(actor) -> None:
    if not is_coordinator(actor):
        raise not_found()


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _check_settings(settings: Settings) -> None:
    if not settings.title.strip():
        raise ConsultationError("Donnez un titre.", field="title")
    if not settings.question.strip():
        raise ConsultationError("Posez la question.", field="question")
    if not MIN_POINTS <= settings.points <= MAX_POINTS:
        raise ConsultationError(
            f"Entre {MIN_POINTS} et {MAX_POINTS} points par participant.", field="points"
        )
    cap = settings.max_per_option
    if cap is not None and not 1 <= cap <= settings.points:
        raise ConsultationError(
            "Le plafond par option va de 1 au nombre de points par participant.",
            field="max_per_option",
        )
    if settings.access not in Consultation.Access.values:
        raise ConsultationError("Accès inconnu.", field="access")
    if settings.results not in Consultation.Results.values:
        raise ConsultationError("Choix d'affichage des résultats inconnu.", field="results")
    if settings.closes_at <= settings.opens_at:
        raise ConsultationError("La clôture doit suivre l'ouverture.", field="closes_at")


def _check_options(options: Sequence[OptionInput]) -> list[OptionInput]:
    cleaned = [
        OptionInput(o.label.strip()[:120], o.description.strip()[:500])
        for o in options
        if o.label.strip()
    ]
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise ConsultationError(
            f"Entre {MIN_OPTIONS} et {MAX_OPTIONS} options ({len(cleaned)} données).",
            field="options",
        )
    seen: set[str] = set()
    for option in cleaned:
        key = option.label.casefold()
        if key in seen:
            raise ConsultationError(
                f"L'option « {option.label} » figure deux fois.", field="options"
            )
        seen.add(key)
    return cleaned


def _write_options(consultation: Consultation, options: Sequence[OptionInput]) -> None:
    consultation.options.all().delete()
    Option.objects.bulk_create(
        Option(consultation=consultation, label=o.label, description=o.description, position=i)
        for i, o in enumerate(options)
    )


def _apply(consultation: Consultation, settings: Settings) -> None:
    for name in (
        "title",
        "question",
        "points",
        "max_per_option",
        "access",
        "results",
        "opens_at",
        "closes_at",
    ):
        value = getattr(settings, name)
        setattr(consultation, name, value.strip() if isinstance(value, str) else value)


def consultation_create(
    *, actor, settings: Settings, options: Sequence[OptionInput]
) -> Consultation:
    """A draft: nobody sees it until it is published."""
    _require_coordinator(actor)
    _check_settings(settings)
    cleaned = _check_options(options)
    with transaction.atomic():
        consultation = Consultation(created_by=actor)
        _apply(consultation, settings)
        consultation.save()
        _write_options(consultation, cleaned)
        audit_record(
            actor=actor,
            action="consultation.create",
            obj=consultation,
            data={"options": len(cleaned)},
        )
    return consultation


def _same_options(consultation: Consultation, options: Sequence[OptionInput]) -> bool:
    current = [(o.label, o.description) for o in consultation.options.all()]
    return current == [(o.label, o.description) for o in options]


def consultation_update(
    *,
    actor,
    consultation: Consultation,
    settings: Settings,
    options: Sequence[OptionInput],
    now: datetime | None = None,
) -> Consultation:
    """Change a consultation that is not closed. Once a ballot exists the options and the
    points are frozen (a ballot must keep meaning what its participant chose); once published
    the access is frozen (invitations were sent); once open the opening date is frozen; the
    closing date may move, never into the past: closing is final, there is no reopening."""
    _require_coordinator(actor)
    now = now or timezone.now()
    _check_settings(settings)
    cleaned = _check_options(options)
    with transaction.atomic():
        locked = _lock(consultation)
        current = phase(locked, now)
        if current == Phase.CLOSED:
            raise ConsultationError(
                "Cette consultation est close : elle ne change plus.", status=409
            )
        if locked.ballots.exists() and (
            not _same_options(locked, cleaned)
            or settings.points != locked.points
            or settings.max_per_option != locked.max_per_option
        ):
            raise ConsultationError(
                "Des participants ont déjà voté : les options et les points ne changent plus.",
                status=409,
                field="options",
            )
        if current != Phase.DRAFT and settings.access != locked.access:
            raise ConsultationError(
                "L'accès ne change plus après la publication.", status=409, field="access"
            )
        if current == Phase.OPEN and abs(settings.opens_at - locked.opens_at) < timedelta(
            minutes=1
        ):
            # The form shows minutes: the same minute is the same opening, kept to the second.
            settings = replace(settings, opens_at=locked.opens_at)
        if current == Phase.OPEN and settings.opens_at != locked.opens_at:
            raise ConsultationError(
                "Le vote est ouvert : la date d'ouverture ne change plus.",
                status=409,
                field="opens_at",
            )
        if current != Phase.DRAFT and settings.closes_at <= now:
            raise ConsultationError(
                "La clôture doit être dans le futur (pour clore maintenant : « Clore le vote »).",
                field="closes_at",
            )
        options_changed = not _same_options(locked, cleaned)
        _apply(locked, settings)
        locked.save()
        if options_changed:
            _write_options(locked, cleaned)
        audit_record(
            actor=actor,
            action="consultation.update",
            obj=locked,
            data={"options": len(cleaned), "options_changed": options_changed},
        )
    return locked


def consultation_publish(
    *, actor, consultation: Consultation, now: datetime | None = None
) -> Consultation:
    """Draft → published: votes open at the opening date (at once if it has passed)."""
    _require_coordinator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(consultation)
        if locked.status != Consultation.Status.DRAFT:
            raise ConsultationError("Cette consultation est déjà publiée.", status=409)
        if locked.closes_at <= now:
            raise ConsultationError(
                "La date de clôture est passée : reportez-la avant de publier.",
                status=409,
                field="closes_at",
            )
        locked.status = Consultation.Status.PUBLISHED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="consultation.publish", obj=locked)
    return locked


def consultation_close(
    *, actor, consultation: Consultation, now: datetime | None = None
) -> Consultation:
    """Close the vote now, for good: the results are then shown to the participants."""
    _require_coordinator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(consultation)
        current = phase(locked, now)
        if current == Phase.DRAFT:
            raise ConsultationError("Un brouillon ne se clôt pas : publiez-le d'abord.", status=409)
        if locked.status == Consultation.Status.CLOSED:
            raise ConsultationError("Cette consultation est déjà close.", status=409)
        locked.status = Consultation.Status.CLOSED
        locked.closed_at = min(now, locked.closes_at)
        if now < locked.closes_at:
            locked.closes_at = max(now, locked.opens_at + timedelta(seconds=1))
        locked.save(update_fields=["status", "closed_at", "closes_at"])
        audit_record(
            actor=actor,
            action="consultation.close",
            obj=locked,
            data={"ballots": locked.ballots.count()},
        )
    return locked


def invitation_token(invitation: Invitation) -> str:
    """The personal link's secret: the invitation's id, signed (a changed character breaks it).
    No timestamp: the same invitation always has the same link, sent again if asked; its life
    is the consultation's (LINK_AFTER_CLOSING)."""
    return signing.Signer(salt=TOKEN_SALT).sign_object(
        {"c": str(invitation.consultation.public_id), "i": str(invitation.public_id)}
    )


def invitation_from_token(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a link names. Refused: a tampered or unknown link (404), an invitation
    withdrawn by an erasure (404), a link of a consultation closed for more than 30 days (410)."""
    now = now or timezone.now()
    try:
        data = signing.Signer(salt=TOKEN_SALT).unsign_object(str(token)[:400])
        consultation_id, invitation_id = str(data["c"]), str(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise not_found("Ce lien d'invitation n'est pas valide.") from None
    invitation = (
        Invitation.objects.select_related("consultation")
        .filter(public_id=invitation_id, consultation__public_id=consultation_id)
        .exclude(email="")
        .exclude(consultation__status=Consultation.Status.DRAFT)
        .first()
    )
    if invitation is None:
        raise not_found("Ce lien d'invitation n'est pas valide.")
    if now >= invitation.consultation.closes_at + LINK_AFTER_CLOSING:
        raise ConsultationError(
            "Ce lien a expiré : la consultation est close depuis plus de 30 jours.", status=410
        )
    return invitation


def invitations_send(
    *, actor, consultation: Consultation, emails: Sequence[str], now: datetime | None = None
) -> InvitationReport:
    """Invite addresses (200 at most per call). An address already invited gets its link again
    (same invitation, same ballot); invalid ones are reported. One e-mail per address, queued in
    the outbox inside the transaction."""
    _require_coordinator(actor)
    now = now or timezone.now()
    if len(emails) > MAX_INVITATIONS:
        raise ConsultationError(
            f"{MAX_INVITATIONS} adresses au plus par envoi ({len(emails)} reçues).", field="emails"
        )
    report = InvitationReport()
    with transaction.atomic():
        locked = _lock(consultation)
        if locked.access != Consultation.Access.INVITATION:
            raise ConsultationError(
                "Cette consultation est ouverte aux membres : il n'y a pas d'invitation à envoyer.",
                status=409,
            )
        current = phase(locked, now)
        if current in (Phase.DRAFT, Phase.CLOSED):
            raise ConsultationError(
                "Publiez la consultation avant d'inviter."
                if current == Phase.DRAFT
                else "Cette consultation est close.",
                status=409,
            )
        seen: set[str] = set()
        for raw in emails:
            email = (raw or "").strip().lower()
            if not email or email in seen:
                continue
            seen.add(email)
            try:
                if len(email) > 254:
                    raise ValidationError("trop longue")
                validate_email(email)
            except ValidationError:
                report.refused.append((raw.strip()[:254], "adresse e-mail invalide"))
                continue
            invitation, _ = Invitation.objects.get_or_create(
                consultation=locked, email=email, defaults={"sent_at": now}
            )
            invitation.sent_at = now
            invitation.save(update_fields=["sent_at"])
            notifications.invitation_mail(invitation, invitation_token(invitation))
            report.sent.append(email)
        audit_record(
            actor=actor,
            action="consultation.invite",
            obj=locked,
            data={"sent": len(report.sent), "refused": len(report.refused)},
        )
    return report


def _checked_points(
    consultation: Consultation, options: dict[int, Option], points: Mapping
) -> dict[int, int]:
    chosen: dict[int, int] = {}
    for raw_id, raw_points in points.items():
        try:
            option_id, value = int(raw_id), int(raw_points)
        except (TypeError, ValueError):
            raise ConsultationError("Indiquez des nombres entiers de points.") from None
        if option_id not in options:
            raise ConsultationError("Option inconnue dans cette consultation.", field="options")
        if value < 0:
            raise ConsultationError(
                f"« {options[option_id].label} » : pas de points négatifs.", field=str(option_id)
            )
        cap = consultation.max_per_option
        if cap is not None and value > cap:
            raise ConsultationError(
                f"« {options[option_id].label} » : {cap} points au plus par option.",
                field=str(option_id),
            )
        if value:
            chosen[option_id] = chosen.get(option_id, 0) + value
    total = sum(chosen.values())
    if total > consultation.points:
        raise ConsultationError(
            f"Vous avez réparti {total} points pour {consultation.points} disponibles : "
            f"retirez-en {total - consultation.points}."
        )
    if total == 0:
        raise ConsultationError("Répartissez au moins un point.")
    return chosen


def ballot_submit(
    *,
    consultation: Consultation,
    voter: Voter,
    points: Mapping,
    now: datetime | None = None,
) -> Ballot:
    """Record (or replace) a participant's ballot: `points` maps option ids to points (0 or
    absent: none). Refused whole when over budget, negative, above the cap per option, naming
    an option of another consultation, before opening or after closing; a replaced ballot's
    allocations are all rewritten in the same transaction."""
    now = now or timezone.now()
    user, invitation = voter.user, voter.invitation
    with transaction.atomic():
        locked = _lock(consultation)
        if invitation is not None:
            if invitation.consultation_id != locked.pk or not invitation.email:
                raise not_found("Ce lien d'invitation n'est pas valide.")
            lookup = {"invitation": invitation}
        else:
            if user is None or not getattr(user, "is_authenticated", False):
                raise ConsultationError("Connectez-vous pour voter.", status=403)
            if locked.access != Consultation.Access.OPEN:
                raise not_found()
            lookup = {"user": user}
        current = phase(locked, now)
        if current == Phase.DRAFT:
            raise not_found()
        if current == Phase.UPCOMING:
            raise ConsultationError("Le vote n'est pas encore ouvert.", status=409)
        if current == Phase.CLOSED:
            raise ConsultationError(
                "La consultation est close : les votes ne peuvent plus changer.", status=409
            )
        options = {o.pk: o for o in locked.options.all()}
        chosen = _checked_points(locked, options, points)
        ballot, created = Ballot.objects.get_or_create(
            consultation=locked, **lookup, defaults={"submitted_at": now, "updated_at": now}
        )
        if not created:
            ballot.allocations.all().delete()
            ballot.updated_at = now
            ballot.save(update_fields=["updated_at"])
        Allocation.objects.bulk_create(
            Allocation(ballot=ballot, option_id=option_id, points=value)
            for option_id, value in chosen.items()
        )
        audit_record(
            actor=user,
            action="consultation.vote" if created else "consultation.revote",
            obj=locked,
            data={"ballot": ballot.pk, "points": sum(chosen.values())},
        )
    return ballot


def ballots_erase(user) -> int:
    """RGPD eraser: the member's ballots stay (the totals do not move) but no longer name them;
    invitations to their address lose it and their links stop working."""
    count = Ballot.objects.filter(user=user).update(user=None)
    email = (user.email or "").strip().lower()
    if email:
        invitations = Invitation.objects.filter(email__iexact=email)
        count += Ballot.objects.filter(invitation__in=invitations).update(invitation=None)
        count += invitations.update(email="")
    return count
