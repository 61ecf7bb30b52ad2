from django.urls import path

from samarbeid import pagecache

from . import views

app_name = "avtaler"
urlpatterns = [
    path("", pagecache.cached_page()(views.register), name="register"),
    path("verifiser/", views.verify, name="verify"),
    path("kommune/<str:number>/ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/versjon/<int:number>/", views.detail, name="version_detail"),
    path("<int:pk>/versjon/<int:number>/rediger/", views.edit, name="edit"),
    path("<int:pk>/versjon/<int:number>/send/", views.send, name="send"),
    path("<int:pk>/versjon/<int:number>/signer/", views.sign, name="sign"),
    path("<int:pk>/versjon/<int:number>/trekk-tilbake/", views.withdraw, name="withdraw"),
    path("<int:pk>/versjon/<int:number>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/versjon/<int:number>/signert/<str:party>/", views.signed_copy,
         name="signed_copy"),
    path("<int:pk>/revisjon/", views.revise, name="revise"),
    path("<int:pk>/sammenlign/", views.compare, name="compare"),
    path("<int:pk>/avslag/", views.decline, name="decline"),
]
