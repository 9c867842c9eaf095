"""The header's data for the managers' space: shown to members with their unread count."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from maillage.managers.context_processors import managers_space
from tests.managers.conftest import make_post

pytestmark = pytest.mark.django_db


def header(user):
    request = RequestFactory().get("/")
    request.user = user
    space = managers_space(request)["managers_space"]
    return space.enabled, space.unread


def test_header_shows_the_space_to_members_with_unread_count(coordinator, team_member, outsider):
    make_post(coordinator)
    make_post(coordinator)
    assert header(team_member) == (True, 2)
    assert header(coordinator) == (True, 0)
    assert header(outsider) == (False, 0)
    assert header(AnonymousUser()) == (False, 0)


def test_header_costs_nothing_until_read(team_member, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = team_member
    with django_assert_num_queries(0):
        managers_space(request)
