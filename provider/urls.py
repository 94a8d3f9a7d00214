from django.urls import path

from . import views

app_name = "provider"

urlpatterns = [
    path("check/", views.start, name="start"),
]
