"""Flash messages are announced to screen readers from a status region that wraps the list:
a `role` on the <ul> itself hides its items' list semantics (axe « listitem », serious)."""

import re

import pytest


@pytest.mark.django_db
def test_messages_list_sits_in_a_status_region(client):
    response = client.post("/compte/renvoyer", {"email": "personne@example.org"}, follow=True)
    html = response.content.decode()
    region = re.search(
        r'<div role="status">\s*<ul class="messages">(.*?)</ul>\s*</div>', html, re.S
    )
    assert region is not None
    assert "Si un compte non confirmé existe pour cette adresse" in region.group(1)
    assert '<ul class="messages" role=' not in html
