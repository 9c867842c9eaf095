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


def clean_code(value: str) -> str:
    """An IBAN, BIC or VAT number as people copy it (`fr76 3000 6000 …`) → `FR763000600…`."""
    return re.sub(r"\s", "", value or "").upper()


def validate_iban(value: str) -> None:
    """ISO 13616: country, two check digits, up to 30 letters or digits; mod 97 of the
    rearranged number is 1. A French IBAN has 27 characters."""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", value):
        raise ValidationError(
            "IBAN invalide : deux lettres, deux chiffres puis le numéro de compte."
        )
    if value.startswith("FR") and len(value) != 27:
        raise ValidationError("Un IBAN français compte 27 caractères.")
    rearranged = value[4:] + value[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    if int(number) % 97 != 1:
        raise ValidationError("La clé de contrôle de cet IBAN est fausse.")


def validate_bic(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", value):
        raise ValidationError("BIC invalide : 8 ou 11 lettres et chiffres (exemple : AGRIFRPP).")


def validate_invoice_prefix(value: str) -> None:
    if not re.fullmatch(r"[A-Z0-9-]{1,10}", value):
        raise ValidationError(
            "Le préfixe compte 1 à 10 caractères : lettres majuscules, chiffres ou tirets."
        )
