"""French company identifiers: SIREN (9 digits) and SIRET (14), both checked with the Luhn key.

La Poste's establishments (SIREN 356 000 000) are the published exception: their SIRET keys sum
the digits to a multiple of 5 instead.
"""

import re

from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def clean_digits(value: str) -> str:
    """Spaces, dots and dashes are how people type them; nothing else is allowed."""
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siren(value: str) -> None:
    if not re.fullmatch(r"[0-9]{9}", value) or not luhn_ok(value):
        raise ValidationError("Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste.")


def validate_siret(value: str) -> None:
    if not re.fullmatch(r"[0-9]{14}", value):
        raise ValidationError("Le SIRET compte 14 chiffres.")
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5:
            raise ValidationError("La clé de contrôle de ce SIRET est fausse.")
        return
    if not luhn_ok(value):
        raise ValidationError("La clé de contrôle de ce SIRET est fausse.")


def vat_number_for(siren: str) -> str:
    """The French intra-community VAT number computed from the SIREN (key = (12 + 3 × (SIREN mod
    97)) mod 97)."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def validate_vat_number(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", value):
        raise ValidationError(
            "Numéro de TVA intracommunautaire invalide (exemple : FR40123456824)."
        )
    if value.startswith("FR"):
        siren = value[4:]
        if not re.fullmatch(r"[0-9]{2}[0-9]{9}", value[2:]) or vat_number_for(siren) != value:
            raise ValidationError(
                "Ce numéro de TVA français ne correspond pas à sa clé (FR + clé + SIREN)."
            )
