from django.urls import path

from maillage.labelling.views import coordination, team

app_name = "labelling"
urlpatterns = [
    # The place's team
    path("label/", team.home, name="home"),
    path("label/lieu/<str:place_id>/", team.place_label, name="place"),
    path("label/candidater/<str:place_id>/", team.apply, name="apply"),
    path("label/candidature/<str:application_id>/", team.application_detail, name="application"),
    path(
        "label/candidature/<str:application_id>/critere/<str:criterion_id>/",
        team.answer_edit,
        name="answer",
    ),
    path("label/candidature/<str:application_id>/deposer/", team.submit, name="submit"),
    path("label/candidature/<str:application_id>/retirer/", team.withdraw, name="withdraw"),
    path("label/justificatif/<str:evidence_id>/", team.evidence_download, name="evidence"),
    path(
        "label/justificatif/<str:evidence_id>/supprimer/",
        team.evidence_remove,
        name="evidence_remove",
    ),
    # The coordination
    path("label/criteres/", coordination.criteria, name="criteria"),
    path("label/criteres/parametres/", coordination.scheme_edit, name="scheme_edit"),
    path("label/criteres/nouveau/", coordination.criterion_new, name="criterion_new"),
    path("label/criteres/<str:criterion_id>/", coordination.criterion_edit, name="criterion_edit"),
    path(
        "label/criteres/<str:criterion_id>/deplacer/",
        coordination.criterion_move,
        name="criterion_move",
    ),
    path(
        "label/criteres/<str:criterion_id>/retirer/",
        coordination.criterion_retire,
        name="criterion_retire",
    ),
    path("label/candidatures/", coordination.queue, name="queue"),
    path("label/candidatures/<str:application_id>/", coordination.audit, name="audit"),
    path(
        "label/candidatures/<str:application_id>/avis/<str:criterion_id>/",
        coordination.answer_audit,
        name="answer_audit",
    ),
    path(
        "label/candidatures/<str:application_id>/commentaire/",
        coordination.comment,
        name="comment",
    ),
    path(
        "label/candidatures/<str:application_id>/completer/",
        coordination.request_changes,
        name="request_changes",
    ),
    path("label/candidatures/<str:application_id>/visite/", coordination.visit, name="visit"),
    path("label/candidatures/<str:application_id>/accorder/", coordination.grant, name="grant"),
    path("label/candidatures/<str:application_id>/refuser/", coordination.refuse, name="refuse"),
    path("label/labels/", coordination.awards, name="awards"),
    path(
        "label/labels/<str:award_id>/suspendre/",
        coordination.award_suspend,
        name="award_suspend",
    ),
    path(
        "label/labels/<str:award_id>/retablir/",
        coordination.award_reinstate,
        name="award_reinstate",
    ),
    path("label/labels/<str:award_id>/retirer/", coordination.award_revoke, name="award_revoke"),
]
