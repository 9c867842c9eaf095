"""Read-only admin lists of the observatory's imports, saved scenarios and studies (imports are
made with `manage.py observatoire_import`, scenarios and studies from the observatory pages)."""

from django.contrib import admin

from maillage.core.admin import ReadOnlyAdmin as _ReadOnlyAdmin
from maillage.observatory.models import CensusImport, SavedScenario, SavedStudy


@admin.register(CensusImport)
class CensusImportAdmin(_ReadOnlyAdmin):
    list_display = (
        "kind",
        "vintage",
        "layout",
        "filename",
        "rows",
        "communes_stored",
        "unknown_count",
        "outside_territories",
        "repaired_codes",
        "imported_at",
        "imported_by",
    )
    list_filter = ("kind", "vintage")
    ordering = ("-imported_at", "-id")
    list_select_related = ("imported_by",)

    @admin.display(description="codes inconnus")
    def unknown_count(self, obj: CensusImport) -> int:
        return len(obj.unknown_communes)


@admin.register(SavedScenario)
class SavedScenarioAdmin(_ReadOnlyAdmin):
    list_display = ("name", "version", "label", "based_on", "created_by", "created_at")
    search_fields = ("name", "label")
    ordering = ("name", "-version")
    list_select_related = ("created_by",)


@admin.register(SavedStudy)
class SavedStudyAdmin(_ReadOnlyAdmin):
    list_display = ("name", "version", "label", "created_by", "created_at")
    search_fields = ("name", "label")
    ordering = ("name", "-version")
    list_select_related = ("created_by",)
