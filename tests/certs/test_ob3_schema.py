"""Issued credentials meet the Open Badges 3.0 AchievementCredential rules, written
as a JSON schema by hand in tests/certs/schemas/ (its ``$comment`` names the spec
sections and the official schema it follows): before and after suspension and
revocation, and so do the status list credentials they name."""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator, FormatChecker

from lms.certs import credentials, signing, status_list
from lms.certs.services.issuing import (
    record_issue,
    record_reinstate,
    record_revoke,
    record_suspend,
)
from lms.people.services.roles import roles_ensure
from tests.factories.certs import QualificationTypeFactory

SCHEMA = json.loads(
    (
        Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_subset.json"
    ).read_text(encoding="utf-8")
)
# Bitstring Status List v1.0, "BitstringStatusListCredential": type, subject type
# BitstringStatusList, statusPurpose, encodedList multibase base64url ('u').
STATUS_LIST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "type": "object",
    "required": ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
    "properties": {
        "@context": {"type": "array", "items": [{"const": credentials.VC_CONTEXT}]},
        "type": {
            "type": "array",
            "allOf": [
                {"contains": {"const": "VerifiableCredential"}},
                {"contains": {"const": "BitstringStatusListCredential"}},
            ],
        },
        "validFrom": {"$ref": "#/$defs/DateTimeStamp"},
        "credentialSubject": {
            "type": "object",
            "required": ["id", "type", "statusPurpose", "encodedList"],
            "properties": {
                "type": {"const": "BitstringStatusList"},
                "encodedList": {"type": "string", "pattern": "^u[A-Za-z0-9_-]+$"},
                "statusSize": {"type": "integer", "minimum": 1},
            },
        },
        "proof": {"$ref": "#/$defs/Proof"},
    },
    "$defs": SCHEMA["$defs"],
}


def _validator(schema):
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=FormatChecker())


CREDENTIAL = _validator(SCHEMA)
STATUS_LIST = _validator(STATUS_LIST_SCHEMA)


def _errors(validator, document):
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    )


@pytest.fixture(autouse=True)
def _roles(db):
    roles_ensure()


@pytest.fixture
def record(world):
    """A record issued by the issuing service, as the engine or staff issue one."""
    qtype = QualificationTypeFactory(code="OB3-1", name="保安员上岗资格")
    return record_issue(person=world.trainee, qtype=qtype, actor=world.site_admin.user)


def _download(client_for, world, record):
    response = client_for(world.trainee.user).get(
        f"/certs/records/{record.serial}/credential.json"
    )
    return response.status_code, (
        json.loads(response.content) if response.status_code == 200 else None
    )


def _status_list(client):
    return json.loads(client.get("/certs/status/message").content)


def test_issued_credentials_meet_the_schema_through_their_life(
    client, client_for, world, record
):
    actor = world.site_admin.user
    status, issued = _download(client_for, world, record)
    assert status == 200
    assert _errors(CREDENTIAL, issued) == []
    assert credentials.verify(issued, signing.jwks())[0]
    assert _errors(STATUS_LIST, _status_list(client)) == []

    record_suspend(record=record, actor=actor, reason="检查")
    status, suspended = _download(client_for, world, record)
    assert status == 200
    assert _errors(CREDENTIAL, suspended) == []
    listed = _status_list(client)
    assert _errors(STATUS_LIST, listed) == []
    assert status_list.check_status(suspended, [listed], signing.jwks())[0] == [
        ("message", 1, "suspended")
    ]

    record_reinstate(record=record, actor=actor, reason="复核通过")
    record_revoke(record=record, actor=actor, reason="作废")
    # A revoked record offers no download; the copy handed out before still meets
    # the schema, and its list says revoked.
    assert _download(client_for, world, record)[0] == 404
    listed = _status_list(client)
    assert _errors(STATUS_LIST, listed) == []
    assert _errors(CREDENTIAL, credentials.signed_credential(record)) == []
    assert status_list.check_status(issued, [listed], signing.jwks())[0] == [
        ("message", 2, "revoked")
    ]


BREAKS = {
    "status as a list": lambda d: d.__setitem__(
        "credentialStatus", [d["credentialStatus"]]
    ),
    "name on the subject": lambda d: d["credentialSubject"].__setitem__("name", "x"),
    "contexts swapped": lambda d: d["@context"].reverse(),
    "no OB type": lambda d: d.__setitem__("type", ["VerifiableCredential"]),
    "issuer not a Profile": lambda d: d["issuer"].__setitem__("type", ["Issuer"]),
    "VC 1.1 dates": lambda d: d.__setitem__("issuanceDate", d.pop("validFrom")),
    "date without zone": lambda d: d.__setitem__("validFrom", "2026-03-01T00:00:00"),
    "criteria empty": lambda d: d["credentialSubject"]["achievement"].__setitem__(
        "criteria", {}
    ),
    "no description": lambda d: d["credentialSubject"]["achievement"].pop(
        "description"
    ),
    "no identifier or id": lambda d: d["credentialSubject"].pop("identifier"),
    "2 bits, 3 messages": lambda d: d["credentialStatus"]["statusMessage"].pop(),
    "2 bits, no messages": lambda d: d["credentialStatus"].pop("statusMessage"),
    "index not a string": lambda d: d["credentialStatus"].__setitem__(
        "statusListIndex", 3
    ),
    "no proof": lambda d: d.pop("proof"),
}


@pytest.mark.parametrize("change", BREAKS, ids=list(BREAKS))
def test_the_schema_refuses_what_ob3_refuses(record, change):
    """The schema is not vacuous: each rule it states catches its breach (the
    first two are what credentials looked like before)."""
    document = copy.deepcopy(credentials.signed_credential(record))
    assert _errors(CREDENTIAL, document) == []
    BREAKS[change](document)
    assert _errors(CREDENTIAL, document), change
