"""Where residents who work abroad work: the main cross-border employment poles of each country.

MOBPRO gives a country (`DCLT` 99xxx), not a place. A flow to a country is measured to the
nearest of its poles below, so that cross-border commutes count in a commune's mean distance
and distance mix instead of being dropped. HYPOTHÈSE: a cross-border worker works at the nearest
of these poles (the cities that Insee's studies of cross-border work name as their destinations:
Genève, Lausanne and Bâle for Switzerland, Luxembourg for the Grand-Duchy, Sarrebruck and the
Rhine cities for Germany, Monaco…). Coordinates are the city centres. A country that is not
listed stays unplaced (last distance bin, out of the mean), as before.
"""

import numpy as np

from maillage.core.geo import nearest_km

# INSEE country code → ((name, latitude, longitude), …).
FOREIGN_POLES: dict[str, tuple[tuple[str, float, float], ...]] = {
    "99140": (  # Suisse
        ("Genève", 46.2044, 6.1432),
        ("Lausanne", 46.5197, 6.6323),
        ("Bâle", 47.5596, 7.5886),
        ("Neuchâtel", 46.9900, 6.9293),
        ("Zurich", 47.3769, 8.5417),
    ),
    "99137": (  # Luxembourg
        ("Luxembourg", 49.6116, 6.1319),
        ("Esch-sur-Alzette", 49.4958, 5.9806),
    ),
    "99109": (  # Allemagne
        ("Sarrebruck", 49.2402, 6.9969),
        ("Karlsruhe", 49.0069, 8.4037),
        ("Kehl", 48.5725, 7.8155),
        ("Fribourg-en-Brisgau", 47.9990, 7.8421),
    ),
    "99131": (  # Belgique
        ("Bruxelles", 50.8503, 4.3517),
        ("Courtrai", 50.8279, 3.2649),
        ("Tournai", 50.6056, 3.3878),
        ("Mons", 50.4542, 3.9567),
        ("Arlon", 49.6833, 5.8167),
    ),
    "99138": (("Monaco", 43.7384, 7.4246),),  # Monaco
    "99130": (("Andorre-la-Vieille", 42.5063, 1.5218),),  # Andorre
    "99127": (  # Italie
        ("Vintimille", 43.7903, 7.6084),
        ("Turin", 45.0703, 7.6869),
        ("Aoste", 45.7370, 7.3201),
    ),
    "99134": (  # Espagne
        ("Irun", 43.3390, -1.7896),
        ("Saint-Sébastien", 43.3183, -1.9812),
        ("Puigcerdà", 42.4317, 1.9281),
    ),
    "99132": (("Londres", 51.5074, -0.1278),),  # Royaume-Uni
}


def km_to_country(country: str, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle km from each point to the nearest pole of `country`; NaN for a country that
    has no pole listed, or a point that cannot be placed."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    out = np.full(lat.shape, np.nan)
    poles = FOREIGN_POLES.get(country)
    known = np.isfinite(lat) & np.isfinite(lon)
    if not poles or not known.any():
        return out
    pole_lat = np.array([pole[1] for pole in poles])
    pole_lon = np.array([pole[2] for pole in poles])
    out[known] = nearest_km(lat[known], lon[known], pole_lat, pole_lon)[0]
    return out
