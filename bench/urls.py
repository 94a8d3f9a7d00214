from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/ok/", views.ok),
    path("bench/flip/<int:pk>/", views.flip),
    path("bench/submit/<int:pk>/", views.submit),
    path("bench/floor/<int:pk>/", views.submit_floor),
    path("", include("tmverify.urls")),
]
