"""INSEE files uploaded by the network's coordination: the form and the history of imports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from maillage.observatory import selectors, services
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.imports.catalogue import LATEST_VINTAGE, VINTAGES, insee_files
from maillage.observatory.models import CensusImport
from maillage.places.permissions import is_coordinator

MAX_UPLOAD = 200 * 1024 * 1024  # the national MOBPRO flows file zipped is tens of megabytes


class CensusImportForm(forms.Form):
    kind = forms.ChoiceField(label="Fichier", choices=CensusImport.Kind.choices)
    file = forms.FileField(
        label="Fichier INSEE (CSV ou ZIP)",
        help_text="Tel que téléchargé sur insee.fr (archive zip ou CSV, séparateur « ; », "
        "UTF-8 ou Latin-1) : inutile de le décompresser ou de l'ouvrir dans un tableur.",
    )
    allow_unknown = forms.BooleanField(
        label="Importer quand même si des codes commune sont inconnus (ils seront listés)",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("Fichier trop volumineux : 200 Mo au plus.")
        return upload


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    if not is_coordinator(request.user):
        raise Http404("Page réservée à la coordination du réseau.")
    status = 200
    if request.method == "POST":
        form = CensusImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = services.census_import(
                    kind=form.cleaned_data["kind"],
                    file=upload,
                    filename=upload.name,
                    user=request.user,
                    allow_unknown=form.cleaned_data["allow_unknown"],
                )
            except ObservatoryError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    " ".join(
                        [
                            f"Import réussi : {record.get_kind_display()} {record.vintage}, "
                            f"{record.communes_stored} communes enregistrées.",
                            *selectors.census_import_notes(record),
                        ]
                    ),
                )
                return redirect("observatory:imports")
        status = 400
    else:
        form = CensusImportForm()
    vintage = _vintage(request.GET.get("millesime", ""))
    return render(
        request,
        "observatory/imports.html",
        {
            "form": form,
            "history": CensusImport.objects.order_by("-imported_at")[:50],
            "vintage": vintage,
            "vintages": VINTAGES,
            "files": insee_files(vintage),
        },
        status=status,
    )


def _vintage(value: str) -> int:
    """The census year whose files the page lists: one of `VINTAGES`, else the latest."""
    value = value.strip()[:4]
    readable = value.isascii() and value.isdigit()  # « ² » is a digit for isdigit(), not int()
    return int(value) if readable and int(value) in VINTAGES else LATEST_VINTAGE
