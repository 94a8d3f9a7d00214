from django.urls import path

from . import provider_views

app_name = "provider"

urlpatterns = [
    path("check/<str:nonce>/", provider_views.start, name="start"),
]
