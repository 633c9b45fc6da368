from django.contrib.auth import views as auth_views
from django.urls import path

from lms.people import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("activate/", views.activate, name="activate"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/badge/", views.my_badge, name="my_badge"),
    path("me/settings/", views.my_settings, name="my_settings"),
    path("me/settings/elder-mode/", views.elder_mode, name="elder_mode"),
    path("people/", views.people_directory, name="people_directory"),
    # photos.URL_PREFIX: the photo storage's own URLs (person.photo.url).
    path("people/photos/<str:name>", views.photo, name="person_photo"),
]
