from django.urls import path

from . import views

app_name = "provider"

urlpatterns = [
    path("check/<str:ticket>/", views.start, name="start"),
]
