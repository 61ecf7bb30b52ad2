"""The rest of the country for `make run` (issue #14: a national demo).

`samarbeid.demo` tells one story in Sør-Vest, with a user for every role; a national
administrator then saw a report and a map that were all red. This fills every other police
district with a plausible picture: most municipalities have an agreement in force, some a
draft or one sent for signing, some none or declined (§2.3); councils that meet with
agendas and minutes, police contacts (at most three municipalities each, §5), SLT in some
municipalities and evaluations of the councils (§7).

The core knows no feature app (issue #15), so it makes only what is its own: the people
(users and their memberships: a chief of police per district, a mayor per municipality,
police contacts) and the choice of municipalities. Each feature app adds its part by
registering a builder (`register`, from its registry.py); `build` runs them in their order,
in one transaction, passing a `Country` along. The order also fixes the sequence of the
seeded random generator, so keep it when adding a part: a new part goes last.

Sør-Vest (and Bergen, the demo's "outside" municipality) are left to `samarbeid.demo`, so its
users and their story are unchanged. Deterministic: a seeded random generator picks who is
where, and dates are counted from today. Idempotent: a second run finds its users and stops.
Rows are written with bulk_create, like the benchmark generator (bench/dataset.py), so
`make run` starts in seconds on SQLite; the model guards are for people, not for this.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import compliance
from .demo import DEMO_PASSWORD, DISTRICT
from .models import Membership, Municipality, PoliceDistrict, Role

PREFIX = "nasjonal."  # every user made here; their presence means the demo is built
SEED = 2026
LEFT_TO_THE_SOR_VEST_DEMO = {"Bergen"}

# Per district, how far it has come (0–1): districts differ, as in the country.
PROGRESS = [0.85, 0.7, 0.55, 0.9, 0.6, 0.75, 0.5, 0.8, 0.65, 0.7, 0.6, 0.8]

FIRST_NAMES = ["Anne", "Bjørn", "Camilla", "Dag", "Eva", "Frode", "Guro", "Håkon", "Ida",
               "Jon", "Kristin", "Leif", "Marit", "Nils", "Oda", "Pål", "Ragnhild", "Sindre",
               "Tone", "Vegard"]
LAST_NAMES = ["Andersen", "Bakke", "Eide", "Fjeld", "Haugen", "Johansen", "Kristiansen",
              "Lund", "Moen", "Nilsen", "Olsen", "Pedersen", "Rønning", "Strand", "Tangen"]


def bulk(model: Any, rows: list[Any]) -> list[Any]:
    """What every part writes with: one insert per 2000 rows, pks set on the objects."""
    return model.objects.bulk_create(rows, batch_size=2000)


@dataclass
class Country:
    """What the core made, handed to every part in turn.

    `shared` is where a part leaves what a later part needs, under a key it documents
    (avtaler: "agreement_state"; politirad: "councils"). `made` is the summary `seed_demo`
    prints; each part adds its own counts.
    """

    rnd: random.Random
    today: dt.date
    now: dt.datetime
    since: dt.date  # when the people's memberships (and the contacts' assignments) began
    districts: list[PoliceDistrict]
    municipalities: list[Municipality]
    by_district: dict[int, list[Municipality]]
    users: dict[str, Any]  # username -> user
    contact_of: dict[int, str]  # municipality pk -> the police contact's username
    memberships: list[Membership]  # as written, in order (pks set)
    shared: dict[str, Any] = field(default_factory=dict)
    made: dict[str, int] = field(default_factory=dict)

    def person(self) -> tuple[str, str]:
        """A first and a last name from the seeded generator."""
        return self.rnd.choice(FIRST_NAMES), self.rnd.choice(LAST_NAMES)

    def progress(self, district: PoliceDistrict) -> float:
        return PROGRESS[int(district.code) % len(PROGRESS)] if str(district.code).isdigit() \
            else 0.7

    def mayor(self, municipality: Municipality) -> Any:
        return self.users[f"{PREFIX}ordforer.{municipality.number}"]

    def chief_of_police(self, district: PoliceDistrict) -> Any:
        return self.users[f"{PREFIX}politimester.{district.code}"]

    def police_contact(self, municipality: Municipality) -> Any | None:
        name = self.contact_of.get(municipality.pk)
        return self.users[name] if name else None


Builder = Callable[[Country], None]
_parts: dict[str, tuple[int, Builder]] = {}


def register(name: str, builder: Builder, order: int) -> Builder:
    """Add a feature app's part (from its registry.py). Parts run by `order`, which also
    fixes the random sequence: the picture stays the same only if the order does. Registering
    the same name again replaces the part (a reloaded registry adds no second copy)."""
    taken = {o: n for n, (o, _) in _parts.items() if n != name}
    if order in taken:
        raise ValueError(f"national demo order {order} is taken by {taken[order]!r}")
    _parts[name] = (order, builder)
    return builder


def parts() -> list[str]:
    return [name for name, _ in sorted(_parts.items(), key=lambda item: item[1][0])]


def is_built() -> bool:
    return get_user_model().objects.filter(username__startswith=PREFIX).exists()


def build(seed: int = SEED) -> dict[str, int]:
    """Build the national picture once; returns what was made ({} when it was there)."""
    if is_built():
        return {}
    with transaction.atomic():
        country = _people(random.Random(seed))
        for name in parts():
            _parts[name][1](country)
    compliance.invalidate()  # bulk rows send no signals: every cached finding is stale
    return country.made


def _people(rnd: random.Random) -> Country:
    """The core's part: the municipalities, and the people with their memberships."""
    User = get_user_model()
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(DEMO_PASSWORD)
    districts = list(PoliceDistrict.objects.exclude(name=DISTRICT).order_by("code"))
    municipalities = list(Municipality.objects.filter(police_district__in=districts)
                          .exclude(name__in=LEFT_TO_THE_SOR_VEST_DEMO)
                          .select_related("police_district").order_by("number"))
    by_district: dict[int, list[Municipality]] = defaultdict(list)
    for m in municipalities:
        by_district[m.police_district_id].append(m)
    country = Country(rnd=rnd, today=today, now=now, since=today - dt.timedelta(days=700),
                      districts=districts, municipalities=municipalities,
                      by_district=by_district, users={}, contact_of={}, memberships=[])
    person = country.person

    # A chief of police per district, a mayor per municipality, contacts.
    users: list[Any] = []
    for d in districts:
        first, last = person()
        users.append(User(username=f"{PREFIX}politimester.{d.code}", password=password,
                          first_name=first, last_name=last,
                          email=f"politimester.{d.code}@demo.samarbeid.local"))
    for m in municipalities:
        first, last = person()
        users.append(User(username=f"{PREFIX}ordforer.{m.number}", password=password,
                          first_name=first, last_name=last,
                          email=f"ordforer.{m.number}@demo.samarbeid.local"))
    # Police contacts: three municipalities each at most (§5), some municipalities without.
    contact_of = country.contact_of
    for d in districts:
        covered = [m for m in by_district[d.pk] if rnd.random() < country.progress(d) + 0.1]
        for i in range(0, len(covered), 3):
            name = f"{PREFIX}politikontakt.{d.code}.{i // 3 + 1}"
            first, last = person()
            users.append(User(username=name, password=password, first_name=first,
                              last_name=last, email=f"{name[len(PREFIX):]}@demo.samarbeid.local"))
            for m in covered[i:i + 3]:
                contact_of[m.pk] = name
    bulk(User, users)
    user = country.users
    user.update({u.username: u for u in User.objects.filter(username__startswith=PREFIX)})

    since = country.since
    memberships = [Membership(user=user[f"{PREFIX}politimester.{d.code}"],
                              role=Role.DISTRICT_ADMIN, police_district=d, title="Politimester",
                              can_sign=True, starts_on=since) for d in districts]
    memberships += [Membership(user=user[f"{PREFIX}ordforer.{m.number}"],
                               role=Role.MUNICIPAL_LEADER, municipality=m, title="Ordfører",
                               can_sign=True, starts_on=since) for m in municipalities]
    memberships += [Membership(user=user[name], role=Role.POLICE_CONTACT, municipality_id=mid,
                               title="Politikontakt", starts_on=since)
                    for mid, name in contact_of.items()]
    country.memberships = bulk(Membership, memberships)
    country.made["municipalities"] = len(municipalities)
    country.made["police_contacts"] = len(set(contact_of.values()))
    return country
