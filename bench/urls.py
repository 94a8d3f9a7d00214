from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/ok/", views.ok),
    path("bench/flip/<int:pk>/", views.flip),
    path("bench/submit/<int:pk>/", views.submit),
    path("", include("tmverify.urls")),
]
