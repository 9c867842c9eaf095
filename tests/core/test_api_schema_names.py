"""django-ninja names an OpenAPI component after its class: two schemas of the same name in two
apps silently become one, and the document then describes one app's answers with the other's
fields (the business plan's ScenarioOut once replaced the observatory's)."""

from collections import defaultdict

from ninja import Schema

import config.api  # noqa: F401  (imports every app's API and its schemas)


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name_with_different_fields():
    by_name = defaultdict(list)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("maillage."):
            by_name[cls.__name__].append(cls)
    clashes = {
        name: sorted(f"{c.__module__}" for c in classes)
        for name, classes in by_name.items()
        if len({repr(sorted(c.model_json_schema().get("properties", {}).items())) for c in classes})
        > 1
    }
    assert clashes == {}
