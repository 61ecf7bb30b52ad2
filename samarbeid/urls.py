"""URL configuration. Norwegian paths for users; each feature app has its own prefix."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import forms, views

admin.site.site_header = _("Samarbeidsportalen – administration")
admin.site.site_title = _("Samarbeidsportalen")
admin.site.index_title = _("Administration")

account_patterns = [
    path("logg-inn/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("passord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("passord/endret/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("passord/glemt/", auth_views.PasswordResetView.as_view(
        form_class=forms.PasswordResetByTaskForm), name="password_reset"),
    path("passord/glemt/sendt/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("passord/ny/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("passord/ny/ferdig/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("innstillinger/", views.my_settings, name="my_settings"),
    path("innstillinger/ny-kalenderadresse/", views.rotate_calendar_token,
         name="rotate_calendar_token"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", include(account_patterns)),
    path("kommuner/", views.municipality_list, name="municipality_list"),
    path("kommuner/<str:number>/", views.municipality_detail, name="municipality_detail"),
    path("kommuner/<str:number>/deltakelse/", views.municipality_participation,
         name="municipality_participation"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("avtaler/", include("avtaler.urls")),
    path("politirad/", include("politirad.urls")),
    path("politikontakt/", include("politikontakt.urls")),
    path("slt/", include("slt.urls")),
    path("evaluering/", include("evaluering.urls")),
]

handler403 = "samarbeid.views.error_403"
handler404 = "samarbeid.views.error_404"
handler500 = "samarbeid.views.error_500"

if settings.BENCH_VIEWS:  # only in `make bench`: the bare yardstick page
    urlpatterns += [path("", include("bench.views"))]

# Uploaded files are never served from MEDIA_URL: each app serves its files through a view
# that checks access and sends them as attachments. No proxy may serve /media/ either.
