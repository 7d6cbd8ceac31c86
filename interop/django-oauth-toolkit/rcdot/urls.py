from django.urls import include, path

urlpatterns = [
    # /o/token/, /o/revoke_token/, /o/introspect/, ... (no admin, no login pages)
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
