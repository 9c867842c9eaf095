"""The place form: widgets and labels only; the rules live in validation.place_clean."""

from django import forms

from maillage.places.models import Kind, Label, Organisation, Place, Service
from maillage.places.permissions import is_coordinator
from maillage.places.snapshots import FIELD_LABELS, SCALAR_FIELDS


class PlaceForm(forms.Form):
    name = forms.CharField(max_length=200)
    kinds = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(choices=Place.Status.choices)
    opening_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(max_length=250, required=False)
    postal_code = forms.CharField(max_length=5, required=False)
    latitude = forms.FloatField(help_text="Ex. 49.1806 (degrés décimaux, WGS 84)")
    longitude = forms.FloatField(help_text="Ex. -0.3540")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    operator = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    email = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    website = forms.CharField(required=False)
    opening_hours = forms.CharField(
        required=False,
        help_text="Syntaxe OpenStreetMap, ex. « Mo-Fr 09:00-18:00; Sa 09:00-12:00 ».",
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
            field.label = FIELD_LABELS[name].capitalize()

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
