from django.urls import path

from maillage.booking.views import figures, manager, offer, public

app_name = "booking"

urlpatterns = [
    path("reserver/", public.search, name="search"),
    path("reserver/ressource/<int:resource_id>/", public.new_booking, name="new"),
    path("reserver/ressource/<int:resource_id>/sans-compte/", public.guest_booking, name="guest"),
    path("reserver/sans-compte/envoye/", public.guest_sent, name="guest_sent"),
    path(
        "reserver/sans-compte/confirmer/<str:token>/",
        public.guest_confirm,
        name="guest_confirm",
    ),
    path(
        "reserver/ressource/<int:resource_id>/liste-attente/",
        public.waitlist_join,
        name="waitlist_join",
    ),
    path(
        "reserver/liste-attente/<uuid:public_id>/retirer/",
        public.waitlist_leave,
        name="waitlist_leave",
    ),
    path("reserver/mes-reservations/", public.mine, name="mine"),
    path("reserver/reservations/<uuid:public_id>/", public.detail, name="detail"),
    path("reserver/reservations/<uuid:public_id>/annuler/", public.cancel, name="cancel"),
    path("reserver/reservations/<uuid:public_id>/accepter/", public.accept_offer, name="accept"),
    path(
        "reserver/reservations/<uuid:public_id>/agenda.ics", public.booking_ics, name="booking_ics"
    ),
    path("reserver/presence/<str:token>/", public.check_in_by_code, name="check_in_code"),
    path("reserver/agendas/", public.feeds, name="feeds"),
    path("reserver/agenda/<str:token>.ics", public.feed, name="feed"),
    path("reserver/lieu/<uuid:place_id>/agenda/", manager.agenda, name="agenda"),
    path("reserver/lieu/<uuid:place_id>/reserver-pour/", manager.book_for, name="book_for"),
    path("reserver/lieu/<uuid:place_id>/membres/", manager.members, name="members"),
    path("reserver/lieu/<uuid:place_id>/membres/ajouter/", offer.member_add, name="member_add"),
    path("reserver/lieu/<uuid:place_id>/offre/", offer.offer, name="offer"),
    path(
        "reserver/lieu/<uuid:place_id>/code-presence/",
        manager.check_in_poster,
        name="check_in_poster",
    ),
    path("reserver/reservations/<uuid:public_id>/presence/", manager.check_in, name="check_in"),
    path("reserver/reservations/<uuid:public_id>/deplacer/", manager.move, name="move"),
    path("reserver/lieu/<uuid:place_id>/chiffres/", figures.place_figures, name="place_figures"),
    path("reserver/reseau/chiffres/", figures.network_figures, name="network_figures"),
]
