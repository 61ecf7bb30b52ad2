"""Load the reference data (municipalities, counties, police districts) shipped in
`samarbeid/data/` (sources and licences in data/SOURCES.md).

Idempotent: running it twice changes nothing. Used by a data migration and by
`manage.py load_reference_data`. Participation status and operational units, which
users maintain, are never overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(apps: Any = None) -> dict[str, int]:
    """Create or update; returns how many rows were created or changed per model."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    County = apps.get_model("samarbeid", "County")
    PoliceDistrict = apps.get_model("samarbeid", "PoliceDistrict")
    Municipality = apps.get_model("samarbeid", "Municipality")
    changed = {"counties": 0, "police_districts": 0, "municipalities": 0}

    districts = {d.name: d for d in PoliceDistrict.objects.all()}
    for row in read_rows("politidistrikter.csv"):
        d = districts.get(row["navn"])
        if d is None:
            districts[row["navn"]] = PoliceDistrict.objects.create(name=row["navn"], code=row["kode"])
            changed["police_districts"] += 1
        elif d.code != row["kode"]:
            d.code = row["kode"]
            d.save(update_fields=["code"])
            changed["police_districts"] += 1

    rows = read_rows("kommuner.csv")
    counties = {c.number: c for c in County.objects.all()}
    for row in rows:
        c = counties.get(row["fylkesnummer"])
        if c is None:
            counties[row["fylkesnummer"]] = County.objects.create(
                number=row["fylkesnummer"], name=row["fylke"]
            )
            changed["counties"] += 1
        elif c.name != row["fylke"]:
            c.name = row["fylke"]
            c.save(update_fields=["name"])
            changed["counties"] += 1

    existing = {m.number: m for m in Municipality.objects.all()}
    for row in rows:
        values = {
            "name": row["navn"],
            "county_id": counties[row["fylkesnummer"]].pk,
            "police_district_id": districts[row["politidistrikt"]].pk,
            "population": int(row["folketall"]) if row["folketall"] else None,
            "population_date": dt.date.fromisoformat(row["folketall_dato"])
            if row["folketall_dato"] else None,
        }
        m = existing.get(row["kommunenummer"])
        if m is None:
            Municipality.objects.create(number=row["kommunenummer"], **values)
            changed["municipalities"] += 1
            continue
        diff = [k for k, v in values.items() if getattr(m, k) != v]
        if diff:
            for k in diff:
                setattr(m, k, values[k])
            m.save(update_fields=diff)
            changed["municipalities"] += 1
    return changed


# Apps seed their own fixed lists (e.g. the guide's focus areas) in data migrations; they
# register the same loader here so a database emptied by a transactional test, or an import,
# gets them back through `load_all()` and `manage.py load_reference_data`.
_loaders: list[Any] = []


def register_loader(loader: Any) -> None:
    if loader not in _loaders:
        _loaders.append(loader)


def load_all() -> dict[str, int]:
    changed = load()
    from django.apps import apps as global_apps

    for loader in _loaders:
        loader(global_apps)
    return changed
