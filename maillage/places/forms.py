"""The place form: widgets and labels only; the rules live in validation.place_clean.

The weekly hours editor (HoursEditorForm) is a sub-form: without JavaScript its day fields are
posted and turned into the OSM syntax here; with JavaScript it writes the raw field as one types.
"""

from django import forms
from django.core.exceptions import ValidationError

from maillage.places import hours_editor
from maillage.places.diffs import field_label
from maillage.places.models import Kind, Label, Organisation, Place, Service
from maillage.places.permissions import is_coordinator
from maillage.places.snapshots import SCALAR_FIELDS


class PlaceForm(forms.Form):
    name = forms.CharField(max_length=200)
    kinds = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(choices=Place.Status.choices)
    opening_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(max_length=250, required=False)
    postal_code = forms.CharField(max_length=5, required=False)
    latitude = forms.FloatField(
        help_text="Ex. 49.1806 (degrés décimaux, WGS 84) ; un clic sur la carte la remplit."
    )
    longitude = forms.FloatField(help_text="Ex. -0.3540")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    operator = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    email = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    website = forms.CharField(required=False)
    opening_hours = forms.CharField(
        required=False,
        help_text=(
            "Pour les experts : syntaxe OpenStreetMap, ex. « Mo-Fr 09:00-18:00; PH off ». "
            "La semaine type ci-dessus remplit ce champ pour vous."
        ),
    )
    open_space_desks = forms.IntegerField(required=False)
    private_offices = forms.IntegerField(required=False)
    private_office_seats = forms.IntegerField(required=False)
    meeting_rooms = forms.IntegerField(required=False)
    visio_rooms = forms.IntegerField(required=False)
    services = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    labels = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    price_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    price_half_day = forms.DecimalField(required=False)
    price_day = forms.DecimalField(required=False)
    price_month = forms.DecimalField(required=False)
    wheelchair = forms.ChoiceField(choices=Place.Wheelchair.choices, required=False)
    accessibility_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, initial_snapshot: dict | None = None, **kwargs):
        if initial_snapshot:
            kwargs["initial"] = {k: v for k, v in initial_snapshot.items() if v is not None}
        super().__init__(*args, **kwargs)
        self.hours_editor = HoursEditorForm(
            self.data if self.is_bound else None,
            raw=(initial_snapshot or {}).get("opening_hours") or "",
        )
        self.fields["kinds"].choices = [
            (k.slug, k.name) for k in Kind.objects.filter(is_active=True)
        ]
        self.fields["services"].choices = [
            (s.slug, s.name) for s in Service.objects.filter(is_active=True)
        ]
        self.fields["labels"].choices = [
            (lb.slug, lb.name) for lb in Label.objects.filter(is_active=True)
        ]
        self.initial_operator = (initial_snapshot or {}).get("operator")
        organisations = list(
            Organisation.objects.all() if is_coordinator(user) else user.organisations.all()
        )
        if organisations:
            self.fields["operator"].choices = [("", "— aucune —")] + [
                (o.pk, o.name) for o in organisations
            ]
        else:
            # Contributors do not choose who runs a place: the current operator is kept.
            del self.fields["operator"]
        for name, field in self.fields.items():
            field.label = field_label(name)

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            cleaned["opening_hours"] = self.hours_editor.opening_hours(
                cleaned.get("opening_hours") or ""
            )
        except ValidationError as error:
            self.add_error("opening_hours", [f"Semaine type : {m}" for m in error.messages])
        return cleaned

    def snapshot(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in [*SCALAR_FIELDS, "kinds"]}
        if "operator" not in self.fields:
            data["operator"] = self.initial_operator
        data["services"] = self.cleaned_data.get("services") or []
        data["labels"] = self.cleaned_data.get("labels") or []
        for name, value in list(data.items()):
            if hasattr(value, "isoformat"):
                data[name] = value.isoformat()
            elif value is not None and not isinstance(value, (str, int, float, list)):
                data[name] = str(value)
        return data

    def add_service_errors(self, message_dict: dict[str, list[str]]) -> None:
        for name, messages in message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


_TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class HoursEditorForm(forms.Form):
    """A week of at most two ranges a day, posted as day fields (prefix « semaine »).

    `source` carries the raw hours the editor was drawn from: the editor's week is used only
    when the raw field still holds them (an expert who edited the raw field wins) and when the
    editor could read them (otherwise it leaves the raw field alone).
    """

    source = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)
    holidays_closed = forms.BooleanField(required=False, label="Fermé les jours fériés")

    def __init__(self, data=None, *, raw: str = ""):
        super().__init__(data, prefix="semaine", initial=self._initial(raw))
        for day, name in zip(hours_editor.DAYS, hours_editor.DAY_NAMES, strict=True):
            key = day.lower()
            self.fields[f"{key}_closed"] = forms.BooleanField(required=False, label="Fermé")
            for n in range(1, hours_editor.MAX_RANGES + 1):
                suffix = "" if n == 1 else f" ({n}e plage)"
                self.fields[f"{key}_opens_{n}"] = forms.TimeField(
                    required=False, widget=_TIME_WIDGET, label=f"{name}, ouverture{suffix}"
                )
                self.fields[f"{key}_closes_{n}"] = forms.TimeField(
                    required=False, widget=_TIME_WIDGET, label=f"{name}, fermeture{suffix}"
                )

    @staticmethod
    def _initial(raw: str) -> dict:
        initial: dict = {"source": raw}
        week = hours_editor.week_from_osm(raw)
        if week is None:
            return initial
        initial["holidays_closed"] = week.holidays_closed
        for day, ranges in zip(hours_editor.DAYS, week.days, strict=True):
            key = day.lower()
            initial[f"{key}_closed"] = not ranges
            for n, (opens, closes) in enumerate(ranges, start=1):
                initial[f"{key}_opens_{n}"] = opens
                initial[f"{key}_closes_{n}"] = closes
        return initial

    @property
    def readable(self) -> bool:
        """Whether the editor can show the hours it was drawn from."""
        source = self["source"].value() or ""
        return hours_editor.week_from_osm(source) is not None

    def day_rows(self) -> list[dict]:
        """For the template: each day with its « fermé » box and its ranges of bound fields."""
        return [
            {
                "name": name,
                "key": day.lower(),
                "closed": self[f"{day.lower()}_closed"],
                "ranges": [
                    (self[f"{day.lower()}_opens_{n}"], self[f"{day.lower()}_closes_{n}"])
                    for n in range(1, hours_editor.MAX_RANGES + 1)
                ],
            }
            for day, name in zip(hours_editor.DAYS, hours_editor.DAY_NAMES, strict=True)
        ]

    def week(self) -> hours_editor.Week:
        """The posted week (call after is_valid); a half-filled range is an error."""
        days = []
        for day, name in zip(hours_editor.DAYS, hours_editor.DAY_NAMES, strict=True):
            key = day.lower()
            ranges = []
            for n in range(1, hours_editor.MAX_RANGES + 1):
                opens = self.cleaned_data.get(f"{key}_opens_{n}")
                closes = self.cleaned_data.get(f"{key}_closes_{n}")
                if (opens is None) != (closes is None):
                    raise ValidationError(f"{name} : indiquez l'ouverture et la fermeture.")
                if opens is not None and not self.cleaned_data.get(f"{key}_closed"):
                    ranges.append((opens.strftime("%H:%M"), closes.strftime("%H:%M")))
            days.append(tuple(ranges))
        return hours_editor.Week(
            days=tuple(days), holidays_closed=bool(self.cleaned_data.get("holidays_closed"))
        )

    def opening_hours(self, raw: str) -> str:
        """The hours to save: the editor's week when it was used, the raw field otherwise."""
        if not self.is_bound or self.add_prefix("source") not in self.data:
            return raw  # the API, or a form posted without the editor
        if not self.is_valid():
            raise ValidationError([m for messages in self.errors.values() for m in messages])
        source = self.cleaned_data["source"]
        if raw.strip() != source.strip():
            return raw
        before = hours_editor.week_from_osm(source)
        if before is None:
            return raw
        try:
            week = self.week()
            if week == before:
                return raw
            return hours_editor.week_to_osm(week)
        except hours_editor.WeekError as error:
            raise ValidationError(str(error)) from error
