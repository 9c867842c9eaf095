"""For forms where a person types a commune: resolve it and say how the text was read.

`commune_resolve` may read a text one way when it could mean another commune (76600: a postcode
before an INSEE code; a name several communes share). The form keeps that notice for its template
(`territory/partials/commune_notices.html`), with a link to the other reading on GET forms.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from maillage.territory.selectors import CommuneMatch, commune_resolve


@dataclass(frozen=True, slots=True)
class CommuneNotice:
    field: str
    label: str  # the field's label
    text: str  # how the text was read (French)
    alternative_name: str = ""
    alternative_code: str = ""
    alternative_url: str = ""  # "?…": the same query with the other reading (GET forms only)


class CommuneFieldsMixin:
    """Mixed into a Django form: `resolve_commune(name)` in `clean_<name>`."""

    # GET forms (search filters) link to the other reading; a POST form only names what to type.
    commune_notice_links = True

    @property
    def commune_notices(self) -> list[CommuneNotice]:
        return self.__dict__.setdefault("_commune_notices", [])

    def resolve_commune(self, name: str) -> CommuneMatch | None:
        """The commune typed in field `name` (None if empty); a French ValidationError on the
        field when unknown, ambiguous or outside the reference."""
        match = commune_resolve(text=self.cleaned_data[name])
        if match is not None and match.notice:
            alternative = match.alternative
            url = ""
            if alternative is not None and self.commune_notice_links:
                kept = [
                    (key, value) for key, value in _pairs(self.data) if key not in {name, "page"}
                ]
                url = "?" + urlencode([*kept, (name, alternative.typed)])
            self.commune_notices.append(
                CommuneNotice(
                    field=name,
                    label=str(self.fields[name].label),
                    text=match.notice,
                    alternative_name=alternative.name if alternative else "",
                    alternative_code=alternative.code if alternative else "",
                    alternative_url=url,
                )
            )
        return match


def _pairs(data) -> list[tuple[str, str]]:
    """(key, value) pairs of a QueryDict or a plain dict, repeated keys kept."""
    if hasattr(data, "lists"):
        return [(key, value) for key, values in data.lists() for value in values]
    return [
        (key, item)
        for key, value in data.items()
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
