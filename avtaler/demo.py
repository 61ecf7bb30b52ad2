"""Demo content for Sør-Vest: an agreement in force for Stavanger and a draft for Sandnes.
`build_national`: the rest of the country's agreements (§3, §2.3)."""

from __future__ import annotations

import datetime as dt
import hashlib

from samarbeid import demo, demo_national
from samarbeid.models import Municipality, Participation

from .models import Agreement, AgreementKind, AgreementVersion, Signature


def build_demo(d: demo.Demo) -> None:
    """An agreement in force for Stavanger and a draft for Sandnes (idempotent)."""
    from . import services
    from .models import FocusArea

    contact = d.users["politikontakt.sorvest"]
    stavanger, sandnes = d.municipality("Stavanger"), d.municipality("Sandnes")
    if not Agreement.objects.filter(municipality=stavanger, kind=AgreementKind.MUNICIPALITY).exists():
        agreement = services.agreement_create(municipality=stavanger, actor=contact)
        version = services.version_update(
            version=agreement.versions.get(), actor=contact,
            data={"strategies": "Et trygt Stavanger for alle som bor og ferdes i byen. Kommunen og "
                                "politiet deler kunnskap og samordner forebyggende arbeid.",
                  "forms_of_cooperation": ["local_council", "slt", "thematic_forum"],
                  "thematic_forums": "Trygt uteliv i sentrum", "meetings_per_year": 4,
                  "agenda_lead_days": 7, "evaluation_interval_months": 12,
                  "evaluation_method": "gll", "revision_interval_months": 24},
            focus_areas=FocusArea.objects.filter(name__in=[
                "Trygghet i det offentlige rom / trygt uteliv", "Kriminalitet begått av barn og unge",
                "Vold i nære relasjoner, æresrelatert vold"]),
            measures=[services.MeasureData("Felles vertskapsprogram for utesteder", 4,
                                           responsible="Kommunen og politiet"),
                      services.MeasureData("Kvartalsvis kunnskapsdeling om ungdomskriminalitet", 1,
                                           responsible="Politikontakten")],
        )
        services.version_send_for_signing(version=version, actor=contact)
        services.version_sign(version=version, actor=d.users["ordforer.stavanger"])
        services.version_sign(version=version, actor=d.users["politimester.sorvest"])
    if not Agreement.objects.filter(municipality=sandnes, kind=AgreementKind.MUNICIPALITY).exists():
        agreement = services.agreement_create(municipality=sandnes, actor=contact)
        services.version_update(
            version=agreement.versions.get(), actor=contact,
            data={"strategies": "Forebygge kriminalitet blant barn og unge i Sandnes.",
                  "forms_of_cooperation": ["local_council"], "meetings_per_year": 2},
            focus_areas=FocusArea.objects.filter(name="Kriminalitet begått av barn og unge"),
        )


def build_national(country: demo_national.Country) -> None:
    """Agreements in force, drafts, sent for signing, declined or none (§3, §2.3), with the
    mayor's and the chief of police's signatures and the municipalities' participation.

    Leaves `shared["agreement_state"]`: municipality pk -> "in_force", "draft",
    "sent_for_signing", "declined" or "none" (politirad sets up councils by it)."""
    rnd, today, now = country.rnd, country.today, country.now
    municipalities = country.municipalities
    state: dict[int, str] = {}
    for d in country.districts:
        progress = country.progress(d)
        for i, m in enumerate(country.by_district[d.pk]):
            r = rnd.random()
            if i == 0 or r < progress:
                state[m.pk] = "in_force"  # the first one in every district is signed
            elif r < progress + 0.08:
                state[m.pk] = "draft"
            elif r < progress + 0.12:
                state[m.pk] = "sent_for_signing"
            elif r < progress + 0.15:
                state[m.pk] = "declined"
            else:
                state[m.pk] = "none"
    country.shared["agreement_state"] = state
    declined = [m.pk for m in municipalities if state[m.pk] == "declined"]
    Municipality.objects.filter(pk__in=declined).update(participation=Participation.DECLINED)
    Municipality.objects.filter(pk__in=[m.pk for m in municipalities
                                        if state[m.pk] == "in_force"]).update(
        participation=Participation.TAKING_PART)
    with_agreement = [m for m in municipalities if state[m.pk] != "none"]
    agreements = demo_national.bulk(Agreement, [
        Agreement(kind="municipality", municipality=m, police_district=m.police_district,
                  status=state[m.pk]) for m in with_agreement])
    versions = []
    for a in agreements:
        status = a.status if a.status != "declined" else "draft"
        signed_days_ago = rnd.randint(60, 600)
        versions.append(AgreementVersion(
            agreement=a, number=1, status=status,
            strategies="Felles innsats mot kriminalitet blant barn og unge, og trygge "
                       "lokalmiljø.",
            meetings_per_year=rnd.choice([2, 2, 3, 4]), agenda_lead_days=14,
            evaluation_interval_months=12, evaluation_method="gll",
            revision_interval_months=24,
            revision_due=(today + dt.timedelta(days=730 - signed_days_ago)
                          if status == "in_force" else None),
            fingerprint=(hashlib.sha256(f"demo:{a.municipality_id}".encode()).hexdigest()
                         if status in ("in_force", "sent_for_signing") else ""),
            in_force_from=(now - dt.timedelta(days=signed_days_ago)
                           if status == "in_force" else None)))
    for v in versions:  # bulk_create skips save, which arms the reminders
        v.revision_reminder_at = v.revision_reminder_due()
        v.signature_reminder_at = v.signature_reminder_due()
    versions = demo_national.bulk(AgreementVersion, versions)
    for a, v in zip(agreements, versions, strict=True):
        a.latest_version = v
        a.in_force_version = v if v.status == "in_force" else None
    Agreement.objects.bulk_update(agreements, ["in_force_version", "latest_version"])
    signatures = []
    for a, v in zip(agreements, versions, strict=True):
        if v.status != "in_force":
            continue
        assert v.in_force_from is not None
        mayor = country.mayor(a.municipality)
        chief = country.chief_of_police(a.police_district)
        signatures += [
            Signature(version=v, party="municipality", user=mayor, name=mayor.get_full_name(),
                      role_title="Ordfører", signed_at=v.in_force_from, fingerprint=v.fingerprint),
            Signature(version=v, party="police", user=chief, name=chief.get_full_name(),
                      role_title="Politimester", signed_at=v.in_force_from,
                      fingerprint=v.fingerprint)]
    demo_national.bulk(Signature, signatures)
    country.made["agreements"] = len(agreements)
    country.made["in_force"] = sum(1 for s in state.values() if s == "in_force")
