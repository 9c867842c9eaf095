"""`{% basemap_script %}`: the shared basemap script (core/basemap.js) and the tile server setting
it reads, so that every page with a map gets the same background from one line of template."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, json_script

register = template.Library()


@register.simple_tag
def basemap_script() -> str:
    """The configured tile server (or none: our own basemap) as JSON, then the script; place it
    after Leaflet and before the page's map script."""
    config = {
        "tileUrl": settings.MAILLAGE_TILE_URL,
        "tileAttribution": settings.MAILLAGE_TILE_ATTRIBUTION,
    }
    return format_html(
        '{}\n<script src="{}"></script>',
        json_script(config, "maillage-basemap-config"),
        static("core/basemap.js"),
    )
