"""Root URL configuration. Norwegian paths for users; each feature app has its own prefix.

It lives in the project package, not in the core: this is the one module that names every app."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from samarbeid import forms, pagecache, views, views_account, views_language, views_people

admin.site.site_header = _("Samarbeidsportalen – administration")
admin.site.site_title = _("Samarbeidsportalen")
admin.site.index_title = _("Administration")

account_patterns = [
    path("logg-inn/", views_account.PortalLoginView.as_view(), name="login"),
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
    # Invitations, single sign-on and the second factor (issue 11).
    path("invitasjon/<str:token>/", views_account.invitation_accept, name="invitation_accept"),
    path("sso/<slug:name>/start/", views_account.sso_start, name="sso_start"),
    path("sso/<slug:name>/callback/", views_account.sso_callback, name="sso_callback"),
    path("totp/", views_account.mfa_verify, name="mfa_verify"),
    path("totp/oppsett/", views_account.mfa_setup, name="mfa_setup"),
    path("totp/nye-koder/", views_account.mfa_recovery, name="mfa_recovery"),
]

# The People pages: roles and invitations, managed in the portal (issue 11).
people_patterns = [
    path("", views_people.people_index, name="people_index"),
    path("inviter/", views_people.people_invite, name="people_invite"),
    path("distrikt/<str:code>/", views_people.people_district, name="people_district"),
    path("kommune/<str:number>/", views_people.people_municipality, name="people_municipality"),
    path("plass/<slug:kind>/<int:pk>/", views_people.people_seat, name="people_seat"),
    path("rolle/<int:pk>/", views_people.people_membership, name="people_membership"),
    path("invitasjon/<int:pk>/send-igjen/", views_people.invitation_resend,
         name="invitation_resend"),
    path("invitasjon/<int:pk>/trekk-tilbake/", views_people.invitation_revoke,
         name="invitation_revoke"),
    path("bruker/<int:pk>/deaktiver/", views_people.user_deactivate, name="user_deactivate"),
]

urlpatterns = [
    path("", pagecache.cached_page(pagecache.principal_scope)(views.home), name="home"),
    path("konto/", include(account_patterns)),
    path("personer/", include(people_patterns)),
    path("kommuner/", views.municipality_list, name="municipality_list"),
    path("kommuner/<str:number>/",
         pagecache.cached_page(pagecache.municipality_by_number)(views.municipality_detail),
         name="municipality_detail"),
    path("kommuner/<str:number>/deltakelse/", views.municipality_participation,
         name="municipality_participation"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views_language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("avtaler/", include("avtaler.urls")),
    path("politirad/", include("politirad.urls")),
    path("politikontakt/", include("politikontakt.urls")),
    path("slt/", include("slt.urls")),
    # The reports keep the paths they had inside evaluering (bookmarks, shared links); the
    # more specific prefix comes first.
    path("evaluering/rapporter/", include("rapporter.urls")),
    path("evaluering/", include("evaluering.urls")),
]

handler403 = "samarbeid.views.error_403"
handler404 = "samarbeid.views.error_404"
handler500 = "samarbeid.views.error_500"

if settings.BENCH_VIEWS:  # only in `make bench`: the bare yardstick page
    urlpatterns += [path("", include("bench.views"))]

# Uploaded files are never served from MEDIA_URL: each app serves its files through a view
# that checks access and sends them as attachments. No proxy may serve /media/ either.
