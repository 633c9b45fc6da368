"""The trainee's and staff's qualification pages under /certs/ (lms.certs.views)."""

urlpatterns = []
