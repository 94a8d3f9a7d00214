from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("sign/<str:token>/", views.sign_by_link, name="sign_by_link"),
]
