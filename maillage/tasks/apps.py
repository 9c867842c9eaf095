from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "maillage.tasks"
    verbose_name = "Tâches de fond"
