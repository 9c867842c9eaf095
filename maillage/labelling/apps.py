from django.apps import AppConfig


class LabellingConfig(AppConfig):
    name = "maillage.labelling"
    verbose_name = "Label régional"
    default_auto_field = "django.db.models.BigAutoField"
