from django.urls import reverse

from tests.matrix import LOGIN, Case, everyone, scoped


def _stavanger(name: str):
    return lambda w: reverse(name, args=[w.stavanger.number])


MATRIX = {
    "home": Case(lambda w: reverse("home"), everyone()),
    "municipality_list": Case(lambda w: reverse("municipality_list"), everyone()),
    "municipality_detail": Case(_stavanger("municipality_detail"), scoped()),
    "municipality_participation": Case(_stavanger("municipality_participation"),
                                       scoped(change=200)),
    "my_settings": Case(lambda w: reverse("my_settings"), everyone()),
    "rotate_calendar_token": Case(lambda w: reverse("rotate_calendar_token"), everyone(302),
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
    "set_language": Case(lambda w: reverse("set_language"), everyone(302, anonymous=302),
                         method="post", data=lambda w: {"language": "nn", "next": "/"}),
}
assert LOGIN == 302
