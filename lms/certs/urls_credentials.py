"""URLs of the credentials part of lms.certs, included at the site root by cms/urls.py
(write full paths)."""

urlpatterns = []
