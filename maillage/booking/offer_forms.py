"""Forms a place's team uses to describe what can be booked and how it is paid: prices in euros."""

from decimal import Decimal

from django import forms

from maillage.booking.models import Closure, PassProduct, Plan, Resource


class EurosMixin:
    """Model fields `*_cents` are typed in euros (« 15,50 ») and stored in cents."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if name.endswith("_cents"):
                label = str(field.label).replace("(centimes TTC)", "(€ TTC)")
                self.fields[name] = forms.DecimalField(
                    label=label,
                    min_value=0,
                    max_digits=9,
                    decimal_places=2,
                    required=field.required,
                    localize=True,
                )
                cents = self.initial.get(name)
                if cents is not None:
                    self.initial[name] = Decimal(cents) / 100

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if name.endswith("_cents") and data.get(name) is not None:
                data[name] = round(data[name] * 100)
        return data


class ResourceForm(EurosMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "kind", "name", "description", "capacity", "by_hour", "by_half_day", "by_day",
            "price_hour_cents", "price_half_day_cents", "price_day_cents", "min_minutes",
            "max_minutes", "horizon_days", "cancel_hours", "is_active",
        ]  # fmt: skip


class ClosureForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label="Début", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Fin", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Closure
        fields = ["resource", "starts_at", "ends_at", "reason"]
        labels = {"resource": "Ressource (vide : tout le lieu)"}

    def __init__(self, *args, place, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = place.resources.all()
        self.fields["resource"].required = False

    def clean(self):
        """Typed times are Paris wall-clock times (TIME_ZONE), made aware by the form field."""
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "La fin doit suivre le début.")
        return data


class PlanForm(EurosMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "days_per_month", "price_month_cents", "is_active"]


class PassProductForm(EurosMixin, forms.ModelForm):
    class Meta:
        model = PassProduct
        fields = ["name", "unit", "units", "price_cents", "validity_days", "is_active"]
