"""RGPD erasure of a member across apps (reliability.md, scenario 15).

Each app that keeps personal data registers one eraser in its AppConfig.ready(): a function
`(user) -> int` (how many rows it erased or anonymised) that runs inside the one transaction of
`accounts.services.account_erase`. Erasers anonymise or detach rows rather than delete what counts
rely on (attendance, demand per commune), and leave invoices their frozen identities (legal
obligation). A registry, not signals: the erasure calls each app explicitly and fails as a whole.
"""

from collections.abc import Callable

Eraser = Callable[[object], int]

_ERASERS: dict[str, Eraser] = {}


def eraser_register(label: str, eraser: Eraser) -> None:
    """`label` names what is erased in the member's report (« inscriptions aux événements »)."""
    _ERASERS[label] = eraser


def erasers() -> dict[str, Eraser]:
    return dict(_ERASERS)
