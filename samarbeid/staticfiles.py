"""Static file storages whose URLs are worked out once per process.

`{% static %}` asks the storage for a file's URL on every render: five to six times per page
(the layout's stylesheets, scripts and icon), 20–40 µs each, for an answer that cannot change
while the process runs (the manifest is read when the process starts; collectstatic runs
before it) — issue #12, a page built again after a write renders its layout again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

_MAX = 2000  # names come from templates; bounded all the same


class _KeptUrls:
    def url(self, name: Any, *args: Any, **kwargs: Any) -> str:
        # DEBUG in the key: the manifest storage answers unhashed names under DEBUG (tests
        # switch it); a changed STATIC_URL or STORAGES makes Django build a new storage.
        urls: dict[Any, str] = self.__dict__.setdefault("_urls", {})
        key = (name, settings.DEBUG)
        force = bool(args[0] if args else kwargs.get("force"))  # the manifest's own argument
        found = urls.get(key)
        if found is None or force:
            found = super().url(name, *args, **kwargs)  # type: ignore[misc]
            if not force:
                if len(urls) >= _MAX:
                    urls.clear()
                urls[key] = found
        return found


class KeptUrlStaticFilesStorage(_KeptUrls, StaticFilesStorage):
    pass


class KeptUrlManifestStaticFilesStorage(_KeptUrls, CompressedManifestStaticFilesStorage):
    pass
