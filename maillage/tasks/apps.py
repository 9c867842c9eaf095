from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "maillage.tasks"
    verbose_name = "Tâches de fond"

    def ready(self) -> None:
        from maillage.core.erasure import eraser_register
        from maillage.tasks.erasure import outbox_erase

        eraser_register("e-mails en attente ou conservés", outbox_erase)
