"""What a request says about its client, recorded with check-ins and verifications
(shown to staff, never used to block: a drill's phones share one address)."""


def client_meta(request):
    return {
        "ip": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
