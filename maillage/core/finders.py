"""Serve a chosen handful of files out of a large npm package (an icon set of 5,000 SVGs).

Pointing STATICFILES_DIRS at the whole folder would copy and hash every icon at collectstatic time.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class SelectedFilesFinder(BaseFinder):
    """Settings: MAILLAGE_SELECTED_STATIC = {"prefix": (source folder, [file names])}."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries: dict[str, tuple[Path, list[str]]] = settings.MAILLAGE_SELECTED_STATIC
        self.storages = {
            prefix: FileSystemStorage(location=str(folder))
            for prefix, (folder, _names) in self.entries.items()
        }
        for prefix, storage in self.storages.items():
            storage.prefix = prefix

    def check(self, **kwargs):
        missing = [
            str(folder / name)
            for folder, names in self.entries.values()
            for name in names
            if not (folder / name).exists()
        ]
        if not missing:
            return []
        return [Error(f"Fichiers statiques absents : {', '.join(missing[:5])}", id="maillage.E002")]

    def find(self, path, find_all=False, **kwargs):
        matches = []
        for prefix, (folder, names) in self.entries.items():
            if path.startswith(prefix + "/") and path[len(prefix) + 1 :] in names:
                full = str(folder / path[len(prefix) + 1 :])
                if not find_all:
                    return full
                matches.append(full)
        return matches if find_all else []

    def list(self, ignore_patterns):
        for prefix, (_folder, names) in self.entries.items():
            for name in names:
                yield name, self.storages[prefix]
