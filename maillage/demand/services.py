"""Writes of the « Je veux un lieu » statements: submit, confirm, withdraw, erase, purge.

One active statement per person: when a statement becomes confirmed (at once for an account, by
the e-mailed link otherwise), the same person's other statements of the form (pending or
confirmed) are deleted in that transaction, their opening notices carried over so that nobody is
told twice about the same place. Partial unique indexes (migration 0002) back the rule.
Links are signed (django.core.signing) and carry the statement and its address: a link stops
working once the statement is withdrawn, since the address is blanked then.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.core.links import absolute_url
from maillage.core.refusals import Refusal
from maillage.demand import notifications
from maillage.demand.models import DemandStatement, OpeningNotice

CONFIRM_LINK_TTL = timedelta(days=7)
PENDING_RETENTION = timedelta(days=7)  # unconfirmed statements are purged after this
# What the form promises: « la demande est conservée 3 ans ou jusqu'à ce que je la retire ».
STATEMENT_RETENTION = timedelta(days=3 * 365)
CONFIRM_SALT = "maillage.demand.confirm"
MANAGE_SALT = "maillage.demand.manage"

Status = DemandStatement.Status
GONE = "Ce lien n'est pas valide ou la demande a été retirée."


class DemandError(Refusal):
    """A refusal with its French message and HTTP status."""


@dataclass(frozen=True)
class StatementInput:
    """What the form collected, already validated and bounded."""

    commune: object
    days_per_week: int
    needs: list[str]
    work_commune: object | None = None
    services: list = field(default_factory=list)
    commute_mode: str = ""
    commute_km: int | None = None
    commute_minutes: int | None = None
    willingness: str = "oui"
    notify_opening: bool = True


def confirm_token(statement: DemandStatement, *, now: datetime) -> str:
    """The confirmation link's token: the statement, its address and when it was issued (the
    issue time is signed, so that expiry follows `now` rather than the machine's clock)."""
    return signing.dumps(
        {"s": str(statement.public_id), "e": statement.email, "t": int(now.timestamp())},
        salt=CONFIRM_SALT,
    )


def manage_token(statement: DemandStatement) -> str:
    """The link to see and withdraw an e-mail-only statement; valid while the statement keeps
    its address (withdrawal blanks it)."""
    return signing.dumps({"s": str(statement.public_id), "e": statement.email}, salt=MANAGE_SALT)


def manage_url(statement: DemandStatement) -> str:
    """Where the person sees their statement: « Ma demande » for an account, the signed link
    otherwise."""
    if statement.user_id is not None:
        return absolute_url("demand:mine")
    return absolute_url("demand:manage", token=manage_token(statement))


def statement_submit(
    *, data: StatementInput, user=None, email: str = "", now: datetime | None = None
) -> DemandStatement | None:
    """Record a statement. An account's is confirmed at once (and replaces its previous one);
    an address's waits for the e-mailed link (queued in the outbox in this transaction).
    Side effects: audit `demand.submit`, one e-mail for an address."""
    now = now or timezone.now()
    with_account = user is not None and user.is_authenticated and user.is_active
    if not with_account and not email:
        raise DemandError("Donnez votre adresse e-mail : elle sert à confirmer la demande.")
    with transaction.atomic():
        # The account's own address too: a statement confirmed by e-mail before the account
        # existed is the same person's, replaced rather than counted twice.
        own_address = user.email.strip().lower() if with_account else ""
        if with_account:
            _lock_person(account=user, email=own_address, statement_pk=0)
        replaced, told = (
            _replace_others(user_id=user.pk, email=own_address, keep_pk=0)
            if with_account
            else (0, set())
        )
        statement = DemandStatement.objects.create(
            source=DemandStatement.Source.FORM,
            user=user if with_account else None,
            email="" if with_account else email.strip().lower(),
            status=Status.CONFIRMED if with_account else Status.PENDING,
            confirmed_at=now if with_account else None,
            commune=data.commune,
            work_commune=data.work_commune,
            days_per_week=data.days_per_week,
            needs=list(data.needs),
            commute_mode=data.commute_mode,
            commute_km=data.commute_km,
            commute_minutes=data.commute_minutes,
            willingness=data.willingness,
            notify_opening=data.notify_opening,
        )
        if data.services:
            statement.services.set(data.services)
        _carry_notices(statement, told)
        audit_record(
            actor=user if with_account else None,
            action="demand.submit",
            obj=statement,
            data={"replaced": replaced, "services": len(data.services)},
        )
        if not with_account:
            notifications.confirmation_request(
                statement,
                link=absolute_url("demand:confirm", token=confirm_token(statement, now=now)),
                expires_days=CONFIRM_LINK_TTL.days,
            )
    return statement


def _replace_others(*, user_id: int | None, email: str, keep_pk: int) -> tuple[int, set[int]]:
    """Delete the same person's other form statements (by account or by address). Returns how
    many went and the places they had already been told about, for the kept statement."""
    same_person = Q(pk__in=[])
    if user_id is not None:
        same_person |= Q(user_id=user_id)
    if email:
        same_person |= Q(email=email)
    others = list(
        DemandStatement.objects.select_for_update()
        .filter(same_person, source=DemandStatement.Source.FORM)
        .exclude(status=Status.WITHDRAWN)
        .exclude(pk=keep_pk)
        .values_list("pk", flat=True)
    )
    if not others:
        return 0, set()
    told = set(
        OpeningNotice.objects.filter(statement_id__in=others).values_list("place_id", flat=True)
    )
    DemandStatement.objects.filter(pk__in=others).delete()
    return len(others), told


def _lock_person(*, account, email: str, statement_pk: int) -> None:
    """Serialise the writes of one person on PostgreSQL (SQLite's IMMEDIATE transactions
    already do): the account row first, then the person's statements in id order, always in
    this order, so that two confirmations or submissions wait for each other, never deadlock."""
    if account is not None:
        list(get_user_model().objects.select_for_update().filter(pk=account.pk).values("pk"))
    person = Q(pk=statement_pk)
    if account is not None:
        person |= Q(user_id=account.pk)
    if email:
        person |= Q(email=email)
    list(DemandStatement.objects.select_for_update().filter(person).order_by("pk").values("pk"))


def _carry_notices(statement: DemandStatement, place_ids: set[int]) -> None:
    OpeningNotice.objects.bulk_create(
        [OpeningNotice(statement=statement, place_id=place_id) for place_id in sorted(place_ids)]
    )


def _load(token: str, *, salt: str) -> dict:
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature as error:
        raise DemandError("Ce lien n'est pas valide.", status=404) from error
    if not isinstance(data, dict) or not isinstance(data.get("s"), str):
        raise DemandError("Ce lien n'est pas valide.", status=404)
    return data


def _statement_of(data: dict) -> DemandStatement:
    email = data.get("e")
    # The address signed in the link: still the statement's own, or its account's once a
    # confirmation joined it to the account (a second click then answers the same).
    statement = (
        DemandStatement.objects.filter(public_id=data["s"])
        .filter(Q(email=email) | Q(email="", user__email__iexact=email))
        .first()
        if isinstance(email, str) and email and _is_uuid(data["s"])
        else None
    )
    if statement is None:
        raise DemandError(GONE, status=404)
    return statement


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def statement_confirm(*, token: str, now: datetime | None = None) -> DemandStatement:
    """Confirm the statement of an e-mailed link; a second click answers with the confirmed
    statement. If the address belongs to an account, the statement joins it (the person
    proved they read that mailbox) and then shows in « Ma demande ». Replaces the person's
    previous statement. Side effects: audit `demand.confirm`, the e-mail with the link to
    withdraw it. Raises DemandError: 410 expired, 404 altered or unknown."""
    now = now or timezone.now()
    data = _load(token, salt=CONFIRM_SALT)
    issued = data.get("t")
    if not isinstance(issued, int) or now.timestamp() - issued > CONFIRM_LINK_TTL.total_seconds():
        raise DemandError(
            "Ce lien de confirmation a expiré : envoyez de nouveau la demande.", status=410
        )
    statement = _statement_of(data)
    if statement.status != Status.PENDING:
        return statement
    account = get_user_model().objects.filter(email__iexact=data["e"], is_active=True).first()
    try:
        with transaction.atomic():
            _lock_person(account=account, email=data["e"], statement_pk=statement.pk)
            statement = DemandStatement.objects.filter(pk=statement.pk).first()
            if statement is None:  # replaced meanwhile by the same person's newer statement
                raise DemandError(GONE, status=404)
            if statement.status != Status.PENDING:
                return statement
            statement.status = Status.CONFIRMED
            statement.confirmed_at = now
            fields = ["status", "confirmed_at"]
            if account is not None:
                statement.user, statement.email = account, ""
                fields += ["user", "email"]
            replaced, told = _replace_others(
                user_id=account.pk if account else None, email=data["e"], keep_pk=statement.pk
            )
            statement.save(update_fields=fields)
            _carry_notices(statement, told)
            audit_record(
                actor=account,
                action="demand.confirm",
                obj=statement,
                data={"replaced": replaced},
            )
            notifications.statement_confirmed(statement, manage_link=manage_url(statement))
    except IntegrityError as error:  # the same person confirmed another statement meanwhile
        raise DemandError(
            "Une autre demande vient d'être confirmée pour cette adresse : réessayez.",
            status=409,
        ) from error
    return statement


def statement_for_manage_token(*, token: str) -> DemandStatement:
    """The e-mail-only statement of a « voir ou retirer ma demande » link (404 otherwise)."""
    statement = _statement_of(_load(token, salt=MANAGE_SALT))
    if statement.status != Status.CONFIRMED:
        raise DemandError(GONE, status=404)
    return statement


ANONYMISED_FIELDS = ["user", "email", "notify_opening"]


def _anonymise(statement: DemandStatement) -> None:
    statement.user = None
    statement.email = ""
    statement.notify_opening = False


def statement_withdraw(
    *, statement: DemandStatement, actor=None, now: datetime | None = None
) -> DemandStatement:
    """Withdraw a confirmed statement: it stays as a row « retirée » that no longer counts,
    with nothing that leads to the person (address blanked, account detached, no more
    notices). Side effect: audit `demand.withdraw`."""
    now = now or timezone.now()
    with transaction.atomic():
        statement = DemandStatement.objects.select_for_update().get(pk=statement.pk)
        if statement.status == Status.WITHDRAWN:
            return statement
        if statement.status != Status.CONFIRMED:
            raise DemandError("Cette demande n'est pas confirmée.", status=404)
        _anonymise(statement)
        statement.status = Status.WITHDRAWN
        statement.withdrawn_at = now
        statement.save(update_fields=[*ANONYMISED_FIELDS, "status", "withdrawn_at"])
        audit_record(actor=actor, action="demand.withdraw", obj=statement)
    return statement


def statements_erase_for_user(user) -> int:
    """RGPD eraser (core.erasure): the member's statements, and those of their address, keep
    only their communes and answers for the counts: account detached, address blanked, no
    notices; unconfirmed ones, which count for nothing, are deleted. Returns rows touched."""
    mine = Q(user_id=user.pk)
    if getattr(user, "email", ""):
        mine |= Q(email=user.email.strip().lower())
    statements = DemandStatement.objects.filter(mine, source=DemandStatement.Source.FORM)
    pending = statements.filter(status=Status.PENDING)
    deleted = pending.count()
    pending.delete()
    kept = statements.exclude(status=Status.PENDING).update(
        user=None, email="", notify_opening=False
    )
    return deleted + kept


def pending_purge(*, now: datetime | None = None) -> int:
    """Delete the form statements never confirmed within PENDING_RETENTION, and withdraw those
    confirmed more than STATEMENT_RETENTION ago (the form's promise: kept 3 years; withdrawn
    rows keep nothing that leads to the person and no longer count). Returns how many.
    Side effect: audit `demand.purge` when some went."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = DemandStatement.objects.filter(
            source=DemandStatement.Source.FORM,
            status=Status.PENDING,
            created_at__lt=now - PENDING_RETENTION,
        )
        count = stale.count()
        if count:
            stale.delete()
        expired = DemandStatement.objects.filter(
            source=DemandStatement.Source.FORM,
            status=Status.CONFIRMED,
            confirmed_at__lt=now - STATEMENT_RETENTION,
        ).update(
            status=Status.WITHDRAWN, withdrawn_at=now, user=None, email="", notify_opening=False
        )
        if count or expired:
            audit_record(
                actor=None, action="demand.purge", data={"count": count, "expired": expired}
            )
    return count + expired
