from django.urls import reverse

from tests.matrix import LOGIN, Case, everyone, scoped


def _admins_only(status: int = 200) -> dict[str, int]:
    """Administrator pages: the national administrator; every other user 403."""
    return {"anonymous": LOGIN, "outsider": 403, "member": 403, "leader": 403, "admin": status}


def _invitation(w):
    from samarbeid import invitations
    from samarbeid.models import Role

    invitation, _sent = invitations.invitation_create(
        actor=w.admin, email="ny.ordforer@example.no", role=Role.MUNICIPAL_LEADER,
        municipality=w.stavanger)
    return invitation


def _council_people(w):
    from tests.politirad import helpers

    return reverse("people_seat", args=["council", helpers.make_council(w).pk])


def _contact_membership(w):
    from samarbeid.models import Membership

    return reverse("people_membership", args=[
        Membership.objects.get(user=w.police, municipality=w.stavanger).pk])


def _deactivate(w):
    from samarbeid.models import Role
    from tests.factories import user_with_role

    person = user_with_role(Role.SLT_COORDINATOR, username="slt-som-slutter",
                            municipality=w.stavanger)
    return reverse("user_deactivate", args=[person.pk])


def _stavanger(name: str):
    return lambda w: reverse(name, args=[w.stavanger.number])


MATRIX = {
    "home": Case(lambda w: reverse("home"), everyone()),
    "municipality_list": Case(lambda w: reverse("municipality_list"), everyone()),
    "municipality_detail": Case(_stavanger("municipality_detail"), scoped()),
    "municipality_participation": Case(_stavanger("municipality_participation"),
                                       scoped(change=200)),
    "my_settings": Case(lambda w: reverse("my_settings"), everyone()),
    # The new address is shown once, in the response (only its hash is stored).
    "rotate_calendar_token": Case(lambda w: reverse("rotate_calendar_token"), everyone(200),
                                  method="post"),
    "accessibility": Case(lambda w: reverse("accessibility"), everyone(200, anonymous=200)),
    "healthz": Case(lambda w: reverse("healthz"), everyone(200, anonymous=200)),
    "login": Case(lambda w: reverse("login"), everyone(302, anonymous=200)),
    "logout": Case(lambda w: reverse("logout"), everyone(302, anonymous=302), method="post"),
    "password_change": Case(lambda w: reverse("password_change"), everyone()),
    "password_change_done": Case(lambda w: reverse("password_change_done"), everyone()),
    "password_reset": Case(lambda w: reverse("password_reset"), everyone(200, anonymous=200)),
    "password_reset_done": Case(lambda w: reverse("password_reset_done"),
                                everyone(200, anonymous=200)),
    "password_reset_confirm": Case(
        lambda w: reverse("password_reset_confirm", args=["MQ", "bad-token"]),
        everyone(200, anonymous=200)),
    "password_reset_complete": Case(lambda w: reverse("password_reset_complete"),
                                    everyone(200, anonymous=200)),
    # Issue 11: invitations, SSO, the second factor and the People pages.
    "invitation_accept": Case(lambda w: reverse("invitation_accept", args=["x" * 43]),
                              everyone(404, anonymous=404)),
    "sso_start": Case(lambda w: reverse("sso_start", args=["ukjent"]),
                      everyone(404, anonymous=404)),
    "sso_callback": Case(lambda w: reverse("sso_callback", args=["ukjent"]),
                         everyone(404, anonymous=404)),
    "mfa_verify": Case(lambda w: reverse("mfa_verify"), everyone(302)),
    "mfa_setup": Case(lambda w: reverse("mfa_setup"), everyone()),
    "mfa_recovery": Case(lambda w: reverse("mfa_recovery"), everyone(302), method="post"),
    "people_index": Case(lambda w: reverse("people_index"), _admins_only()),
    "people_invite": Case(lambda w: reverse("people_invite"), _admins_only()),
    "people_district": Case(lambda w: reverse("people_district", args=[
        w.stavanger.police_district.code]), _admins_only()),
    "people_municipality": Case(_stavanger("people_municipality"), scoped()),
    "people_seat": Case(_council_people, {"anonymous": LOGIN, "outsider": 404, "member": 403,
                                          "leader": 200, "admin": 200}),
    "people_membership": Case(_contact_membership, {"anonymous": LOGIN, "outsider": 404,
                                                    "member": 404, "leader": 403,
                                                    "admin": 200}),
    "invitation_resend": Case(lambda w: reverse("invitation_resend", args=[_invitation(w).pk]),
                              {"anonymous": LOGIN, "outsider": 404, "member": 404,
                               "leader": 403, "admin": 302}, method="post"),
    "invitation_revoke": Case(lambda w: reverse("invitation_revoke", args=[_invitation(w).pk]),
                              {"anonymous": LOGIN, "outsider": 404, "member": 404,
                               "leader": 403, "admin": 302}, method="post"),
    "user_deactivate": Case(_deactivate, {"anonymous": LOGIN, "outsider": 404, "member": 404,
                                          "leader": 404, "admin": 302}, method="post"),
    "set_language": Case(lambda w: reverse("set_language"), everyone(302, anonymous=302),
                         method="post", data=lambda w: {"language": "nn", "next": "/"}),
}
assert LOGIN == 302
