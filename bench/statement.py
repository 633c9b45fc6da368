"""What a trainee's browser sends: the H5P activity read from the lesson page, and
an 'answered' statement shaped like H5P.TrueFalse 1.6 emits it."""

import html
import re
import uuid
from urllib.parse import parse_qs, urlsplit

ACTIVITY = re.compile(rb"<section[^>]*data-h5p-activity[^>]*>", re.S)
ATTR = re.compile(rb'data-(endpoint|token|csrf)="([^"]*)"')
FRAME = re.compile(rb'<iframe[^>]*class="h5p-activity__frame"[^>]*src="([^"]+)"', re.S)


def activity_from_page(body):
    """endpoint, token, csrf and iri of the first H5P activity, or None."""
    section = ACTIVITY.search(body)
    frame = FRAME.search(body)
    if not section or not frame:
        return None
    found = {
        k.decode(): html.unescape(v.decode()) for k, v in ATTR.findall(section.group(0))
    }
    src = html.unescape(frame.group(1).decode())
    iri = parse_qs(urlsplit(src).query).get("iri", [""])[0]
    if not {"endpoint", "token", "csrf"} <= found.keys() or not iri:
        return None
    return {**found, "iri": iri}


def make_statement(iri, raw=1, max_score=1):
    return {
        "actor": {
            "account": {"name": str(uuid.uuid4()), "homePage": "http://127.0.0.1"},
            "objectType": "Agent",
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/answered",
            "display": {"en-US": "answered"},
        },
        "object": {
            "id": iri,
            "objectType": "Activity",
            "definition": {
                "name": {"en-US": "True/False Question"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "true-false",
                "correctResponsesPattern": ["true"],
            },
        },
        "context": {
            "contextActivities": {
                "category": [
                    {
                        "id": "http://h5p.org/libraries/H5P.TrueFalse-1.6",
                        "objectType": "Activity",
                    }
                ]
            }
        },
        "result": {
            "score": {
                "min": 0,
                "max": max_score,
                "raw": raw,
                "scaled": raw / max_score,
            },
            "completion": True,
            "success": raw >= max_score,
            "duration": "PT7.25S",
            "response": "true",
        },
    }
