"""A believable demo for one police district (Sør-Vest), with a user for every role.

Idempotent: running it again changes nothing. Feature apps add their own demo content by
registering a builder (`register_builder`) that receives the `Demo` made here. The rest of
the country is `samarbeid.demo_national`, built the same way (`demo_national.register`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import Membership, Municipality, OperationalUnit, PoliceDistrict, Role

DEMO_PASSWORD = "Samarbeid-demo-2026"  # noqa: S105 — printed by `make run`, demo only

DISTRICT = "Sør-Vest"
UNITS = {
    "Sør-Rogaland driftsenhet (demo)": ["Stavanger", "Sandnes", "Sola", "Randaberg", "Strand",
                                        "Gjesdal", "Klepp", "Time", "Hå"],
    "Haugaland og Sunnhordland driftsenhet (demo)": ["Haugesund", "Karmøy", "Tysvær",
                                                     "Stord", "Bømlo", "Sveio"],
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None  # None: no role of its own (a council seat, given by politirad's demo)
    scope: str  # municipality name, unit name, district name or ""
    title: str = ""
    can_sign: bool = False
    superuser: bool = False
    description: str = ""


USERS: list[DemoUser] = [
    DemoUser("ordforer.stavanger", "Kari", "Nordmann", Role.MUNICIPAL_LEADER, "Stavanger",
             "Ordfører", can_sign=True, description="Mayor of Stavanger (signs agreements)"),
    DemoUser("kommunedirektor.stavanger", "Per", "Hansen", Role.MUNICIPAL_LEADER, "Stavanger",
             "Kommunedirektør", description="Chief municipal executive of Stavanger"),
    DemoUser("ordforer.sandnes", "Ingrid", "Larsen", Role.MUNICIPAL_LEADER, "Sandnes",
             "Ordfører", can_sign=True, description="Mayor of Sandnes (signs agreements)"),
    DemoUser("politikontakt.sorvest", "Ola", "Berg", Role.POLICE_CONTACT, "Stavanger",
             "Politikontakt", description="Police contact for Stavanger, Sandnes and Sola"),
    DemoUser("tjenesteleder.sorvest", "Nina", "Dahl", Role.POLICE_LEADERSHIP,
             "Sør-Rogaland driftsenhet (demo)", "Tjenesteenhetsleder",
             description="Police leadership of the Sør-Rogaland operational unit"),
    DemoUser("politimester.sorvest", "Geir", "Solberg", Role.DISTRICT_ADMIN, DISTRICT,
             "Politimester", can_sign=True,
             description="Chief of police, Sør-Vest (signs agreements, district administrator)"),
    DemoUser("slt.stavanger", "Aisha", "Khan", Role.SLT_COORDINATOR, "Stavanger",
             "SLT-koordinator", description="SLT coordinator of Stavanger"),
    # No role: a seat on the extended council (politirad's demo) gives that council only.
    DemoUser("radsmedlem.stavanger", "Lars", "Øien", None, "Stavanger",
             "Næringslivets representant", description="Council member (business), read-only"),
    DemoUser("admin.sorvest", "Hilde", "Moe", Role.DISTRICT_ADMIN, DISTRICT,
             "Distriktsadministrator", description="District administrator, Sør-Vest"),
    DemoUser("admin.pod", "Tor", "Lie", Role.NATIONAL_ADMIN, "", "Politidirektoratet",
             superuser=True, description="National administrator, Politidirektoratet"),
    DemoUser("admin.ks", "Mona", "Aas", Role.NATIONAL_ADMIN, "", "KS",
             description="National administrator, KS"),
    DemoUser("ordforer.bergen", "Erik", "Vik", Role.MUNICIPAL_LEADER, "Bergen", "Ordfører",
             can_sign=True, description="Mayor of Bergen — outside the Sør-Vest demo"),
]

# Extra municipalities for the demo police contact (Veileder §5: at most three).
EXTRA_CONTACT_MUNICIPALITIES = ["Sandnes", "Sola"]


@dataclass
class Demo:
    district: PoliceDistrict
    units: dict[str, OperationalUnit]
    users: dict[str, Any]
    municipalities: dict[str, Municipality] = field(default_factory=dict)

    def municipality(self, name: str) -> Municipality:
        if name not in self.municipalities:
            self.municipalities[name] = Municipality.objects.get(
                name=name, police_district__in=[self.district] if name != "Bergen" else
                PoliceDistrict.objects.all()
            )
        return self.municipalities[name]


Builder = Callable[[Demo], None]
_builders: list[tuple[int, Builder]] = []


def register_builder(builder: Builder, order: int = 100) -> Builder:
    if builder not in [b for _, b in _builders]:
        _builders.append((order, builder))
    return builder


def _ensure_membership(user: Any, spec: DemoUser, demo: Demo, role: str | None = None,
                       municipality: Municipality | None = None) -> None:
    role = role or spec.role
    kwargs: dict[str, Any] = {}
    if role is None:
        return
    if role in (Role.MUNICIPAL_LEADER, Role.POLICE_CONTACT, Role.SLT_COORDINATOR):
        kwargs["municipality"] = municipality or demo.municipality(spec.scope)
    elif role == Role.POLICE_LEADERSHIP:
        kwargs["operational_unit"] = demo.units[spec.scope]
    elif role == Role.DISTRICT_ADMIN:
        kwargs["police_district"] = demo.district
    if Membership.objects.active().filter(user=user, role=role, **kwargs).exists():
        return
    services.membership_create(user=user, role=role, title=spec.title, can_sign=spec.can_sign,
                               **kwargs)


@transaction.atomic
def build() -> Demo:
    User = get_user_model()
    district = PoliceDistrict.objects.get(name=DISTRICT)
    units = {}
    for name, municipality_names in UNITS.items():
        unit, _ = OperationalUnit.objects.get_or_create(police_district=district, name=name)
        units[name] = unit
        Municipality.objects.filter(police_district=district, name__in=municipality_names,
                                    operational_unit=None).update(operational_unit=unit)
    demo = Demo(district=district, units=units, users={})
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User.objects.create_user(
                username=spec.username, password=DEMO_PASSWORD,
                email=f"{spec.username}@demo.samarbeid.local",
                first_name=spec.first_name, last_name=spec.last_name,
                is_staff=spec.superuser, is_superuser=spec.superuser,
            )
        demo.users[spec.username] = user
        _ensure_membership(user, spec, demo)
    contact_spec = next(u for u in USERS if u.role == Role.POLICE_CONTACT)
    for name in EXTRA_CONTACT_MUNICIPALITIES:
        _ensure_membership(demo.users[contact_spec.username], contact_spec, demo,
                           municipality=demo.municipality(name))
    for spec in USERS:
        if needs_totp(spec):
            ensure_totp(demo.users[spec.username])
    for _, builder in sorted(_builders, key=lambda pair: pair[0]):
        builder(demo)
    return demo


# --- Two-step login for the demo's administrators and signatories (issue 11) ----------------


def needs_totp(spec: DemoUser) -> bool:
    """The demo users MFA_REQUIRED asks a second factor of (samarbeid.mfa.needs_mfa)."""
    return spec.can_sign or spec.superuser or spec.role in (Role.DISTRICT_ADMIN,
                                                            Role.NATIONAL_ADMIN)


def totp_key(username: str) -> str:
    """A fixed TOTP key per demo user (hex), so `seed_demo` can print it. Demo only."""
    import hashlib

    return hashlib.sha1(f"samarbeid-demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def ensure_totp(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Demo", defaults={"key": totp_key(user.username), "confirmed": True})
    return device


def totp_secret(username: str) -> str:
    """The base32 key to type into an authenticator app."""
    import base64

    return base64.b32encode(bytes.fromhex(totp_key(username))).decode().rstrip("=")


def totp_now(username: str) -> str:
    """The code a demo user's app shows now (`manage.py demo_totp <user>`)."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(totp_key(username)), step=30, t0=0, digits=6, drift=0):06d}"
