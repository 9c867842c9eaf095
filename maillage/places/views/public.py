"""Public directory, place page and embeddable widget (being written)."""

from django.http import HttpRequest, HttpResponse


def directory(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def widget(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def place_detail(request: HttpRequest, public_id) -> HttpResponse:
    raise NotImplementedError
