"""Signed credentials (lms.certs.credentials, signing, status_list): the proof
breaks on any change, the published keys verify, the status lists follow the
record's status, downloads are scoped, and the offline command agrees."""

import base64
import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from lms.certs import checks, credentials, signing, status_list
from lms.certs.services.issuing import record_reinstate, record_revoke, record_suspend
from lms.people.services.roles import roles_ensure
from tests.factories.certs import QualificationRecordFactory, QualificationTypeFactory

KEYS_URL = "/.well-known/shouwang/keys.json"


@pytest.fixture(autouse=True)
def _roles(db):
    """Role groups are made after migrate for the last installed app; an app
    without models appended to INSTALLED_APPS (drf_spectacular_sidecar) stops that
    signal in the test database, so make sure they exist (idempotent)."""
    roles_ensure()


@pytest.fixture
def record(world):
    qtype = QualificationTypeFactory(code="DUTY-1", name="保安员上岗资格")
    return QualificationRecordFactory(person=world.trainee, qualification_type=qtype)


@pytest.fixture
def signed(record):
    return credentials.signed_credential(record)


def _flip(text, position=-1):
    """``text`` with one character changed."""
    chars = list(text)
    chars[position] = "2" if chars[position] != "2" else "3"
    return "".join(chars)


def _decode(response):
    return json.loads(response.content.decode("utf-8"))


# --- JCS ----------------------------------------------------------------------------


def test_jcs_sorts_by_utf16_code_units():
    # RFC 8785 §3.2.3: U+1F600 (a surrogate pair, D83D DE00) sorts before U+FB33.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face",'
        '"\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert signing.canonicalize(value) == expected.encode("utf-8")


def test_jcs_nested_unicode_and_escapes():
    value = {
        "b": [True, None, False, -7, {"z": "守望", "a": 'line\nbreak\u0001"q"\\'}],
        "a": {"c": [], "b": {}, "a": 0},
        "é": "/",
    }
    expected = (
        '{"a":{"a":0,"b":{},"c":[]},'
        '"b":[true,null,false,-7,{"a":"line\\nbreak\\u0001\\"q\\"\\\\","z":"守望"}],'
        '"é":"/"}'
    )
    assert signing.canonicalize(value) == expected.encode("utf-8")


def test_jcs_numbers_as_ecmascript_writes_them_and_refuses_unsafe_integers():
    # RFC 8785 §3.2.2.3: numbers as ECMAScript serialises them.
    assert signing.canonicalize([1.5, 1e21, 0.1, -0.0, 2**53 - 1]) == (
        b"[1.5,1e+21,0.1,0,9007199254740991]"
    )
    with pytest.raises(ValueError):
        signing.canonicalize([2**53])
    with pytest.raises(ValueError):
        signing.canonicalize({"\ud800": "a lone surrogate"})


def test_base58_roundtrip():
    for data in (b"", b"\0\0\x01", bytes(range(64))):
        assert signing.b58decode(signing.b58encode(data)) == data
    assert signing.b58encode(b"\0\0\x01") == "112"
    with pytest.raises(ValueError):
        signing.b58decode("0OIl")  # not in the alphabet
    # The Multikey of an Ed25519 key always starts with z6Mk.
    assert signing.multikey(signing.signing_key().public_key()).startswith("z6Mk")


# --- Credentials --------------------------------------------------------------------


def test_credential_content(record, signed):
    assert signed["@context"] == [credentials.VC_CONTEXT, credentials.OB_CONTEXT]
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed["id"] == credentials.credential_id(record)
    assert signed["id"].startswith("urn:uuid:")
    assert signed["issuer"]["id"] == signing.issuer_id()
    assert signed["validFrom"] == f"{record.valid_from.isoformat()}T00:00:00+08:00"
    assert signed["validUntil"] == f"{record.valid_until.isoformat()}T23:59:59+08:00"
    subject = signed["credentialSubject"]
    # The holder's name is an identifier, not a ``name`` (not an AchievementSubject
    # property in Open Badges 3.0).
    assert "name" not in subject
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": record.person.name,
        }
    ]
    assert credentials.holder_name(signed) == record.person.name
    assert subject["licenseNumber"] == record.serial
    assert subject["achievement"]["humanCode"] == "DUTY-1"
    assert subject["achievement"]["criteria"]["narrative"]
    # One status object (not a list): a 2-bit entry for suspension and revocation.
    status = signed["credentialStatus"]
    assert status == {
        "id": f"{signing.base_url()}/certs/status/message#{record.pk}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": str(record.pk),
        "statusListCredential": f"{signing.base_url()}/certs/status/message",
        "statusSize": 2,
        "statusMessage": [
            {"status": "0x0", "message": "valid"},
            {"status": "0x1", "message": "suspended"},
            {"status": "0x2", "message": "revoked"},
            {"status": "0x3", "message": "reserved"},
        ],
    }
    proof = signed["proof"]
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofValue"].startswith("z")
    # Same record, same id: the id does not change between downloads.
    assert credentials.credential_for(record)["id"] == signed["id"]


def test_no_expiry_means_no_valid_until(world):
    qtype = QualificationTypeFactory(validity_months=None)
    record = QualificationRecordFactory(person=world.trainee, qualification_type=qtype)
    assert "validUntil" not in credentials.credential_for(record)


def test_sign_verify_roundtrip(signed):
    ok, reason = credentials.verify_credential(signed, signing.jwks())
    assert ok, reason
    # A JSON round trip (what a file does) changes nothing.
    assert credentials.verify(json.loads(json.dumps(signed)), signing.jwks())[0]


TAMPERINGS = {
    "holder name": lambda d: d["credentialSubject"]["identifier"][0].__setitem__(
        "identityHash",
        _flip(d["credentialSubject"]["identifier"][0]["identityHash"], 0),
    ),
    "serial": lambda d: d["credentialSubject"].__setitem__(
        "licenseNumber", _flip(d["credentialSubject"]["licenseNumber"])
    ),
    "valid until": lambda d: d.__setitem__("validUntil", _flip(d["validUntil"], 3)),
    "valid from": lambda d: d.__setitem__("validFrom", _flip(d["validFrom"], 9)),
    "achievement": lambda d: d["credentialSubject"]["achievement"].__setitem__(
        "name", d["credentialSubject"]["achievement"]["name"] + "!"
    ),
    "status index": lambda d: d["credentialStatus"].__setitem__("statusListIndex", "0"),
    "status messages": lambda d: d["credentialStatus"]["statusMessage"][2].__setitem__(
        "message", "valid"
    ),
    "status removed": lambda d: d.pop("credentialStatus"),
    "field added": lambda d: d.__setitem__("description", "x"),
    "proof value": lambda d: d["proof"].__setitem__(
        "proofValue", _flip(d["proof"]["proofValue"], 10)
    ),
    "proof created": lambda d: d["proof"].__setitem__(
        "created", _flip(d["proof"]["created"], 3)
    ),
    "proof context": lambda d: d["proof"].__setitem__(
        "@context", [credentials.VC_CONTEXT]
    ),
    "proof purpose": lambda d: d["proof"].__setitem__("proofPurpose", "authentication"),
    "no proof": lambda d: d.pop("proof"),
}


@pytest.mark.parametrize("change", TAMPERINGS, ids=list(TAMPERINGS))
def test_any_change_fails(signed, change):
    tampered = copy.deepcopy(signed)
    TAMPERINGS[change](tampered)
    assert tampered != signed
    ok, reason = credentials.verify(tampered, signing.jwks())
    assert not ok, change
    assert reason


def test_another_key_fails(record, signed):
    other = Ed25519PrivateKey.generate()
    other_jwks = {"keys": [signing.public_jwk(other.public_key())]}
    # A genuine credential, checked against someone else's keys.
    assert not credentials.verify(signed, other_jwks)[0]
    # Signed by another key: its kid is not published.
    forged = credentials.sign(credentials.credential_for(record), key=other)
    assert not credentials.verify(forged, signing.jwks())[0]
    # Signed by another key that claims the published kid.
    forged["proof"]["verificationMethod"] = signed["proof"]["verificationMethod"]
    ok, reason = credentials.verify(forged, signing.jwks())
    assert not ok
    assert reason == gettext("The signature does not match: the document was changed.")


def test_configured_key_and_previous_keys(settings, record):
    old_key = signing.signing_key()
    seed = bytes(range(32))
    settings.CERTS_SIGNING_KEY = base64.b64encode(seed).decode()
    settings.CERTS_PREVIOUS_PUBLIC_KEYS = [signing.multikey(old_key.public_key())]
    new_key = signing.signing_key()
    assert signing.key_id(new_key.public_key()) != signing.key_id(old_key.public_key())
    kids = [key["kid"] for key in signing.jwks()["keys"]]
    assert kids == [
        signing.key_id(new_key.public_key()),
        signing.key_id(old_key.public_key()),
    ]
    # A credential signed before the rotation still verifies.
    old_credential = credentials.sign(credentials.credential_for(record), key=old_key)
    assert credentials.verify(old_credential, signing.jwks())[0]
    assert credentials.verify(old_credential, signing.controller_document())[0]


def test_bad_configured_key(settings):
    settings.CERTS_SIGNING_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured):
        signing.signing_key()


def test_deploy_check(settings):
    settings.DEBUG = False
    settings.CERTS_SIGNING_KEY = ""
    assert [m.id for m in checks.check_signing_key()] == ["certs.W001"]
    settings.CERTS_SIGNING_KEY = base64.b64encode(bytes(32)).decode()
    assert checks.check_signing_key() == []
    settings.DEBUG = True
    settings.CERTS_SIGNING_KEY = ""
    assert checks.check_signing_key() == []


# --- Published keys -----------------------------------------------------------------


def test_keys_endpoint_publishes_the_verifying_key(client, signed):
    response = client.get(KEYS_URL)
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    published = _decode(response)
    assert [key["kty"] for key in published["keys"]] == ["OKP"]
    assert published["keys"][0]["crv"] == "Ed25519"
    ok, reason = credentials.verify(signed, published)
    assert ok, reason

    issuer = _decode(client.get("/.well-known/shouwang/issuer.json"))
    assert issuer["id"] == signed["issuer"]["id"]
    methods = [method["id"] for method in issuer["verificationMethod"]]
    assert signed["proof"]["verificationMethod"] in methods
    assert issuer["verificationMethod"][0]["type"] == "Multikey"
    assert credentials.verify(signed, issuer)[0]
    # Contexts that Digital Bazaar's loaders ship (not https://www.w3.org/ns/cid/v1).
    assert issuer["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]


# --- Status lists -------------------------------------------------------------------


def _list(client, purpose="message"):
    response = client.get(f"/certs/status/{purpose}")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    document = _decode(response)
    assert credentials.verify(document, _decode(client.get(KEYS_URL)))[0]
    return document


def _value(client, index):
    """The 2-bit value of entry ``index`` in the list new credentials name."""
    subject = _list(client)["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "message"
    assert subject["statusSize"] == 2
    assert subject["statusMessage"] == credentials.status_messages()
    bits = status_list.decode(subject["encodedList"])
    # At least 131,072 entries of 2 bits (the spec's minimum times statusSize).
    assert len(bits) * 8 >= 131_072 * 2
    return status_list.read(bits, index, 2)


def test_the_two_bit_list_follows_the_record(client, world, record):
    other = QualificationRecordFactory(person=world.colleague)
    actor = world.site_admin.user
    assert _value(client, record.pk) == 0x0

    record_suspend(record=record, actor=actor, reason="检查")
    assert _value(client, record.pk) == 0x1
    assert _value(client, other.pk) == 0x0

    record_reinstate(record=record, actor=actor, reason="复核通过")
    assert _value(client, record.pk) == 0x0

    record_revoke(record=record, actor=actor, reason="作废")
    assert _value(client, record.pk) == 0x2
    assert _value(client, other.pk) == 0x0


def test_a_credential_reads_its_status_in_its_list(client, world, record, signed):
    """check_status with the 2-bit entry: value and statusMessage."""
    keys = _decode(client.get(KEYS_URL))
    assert status_list.check_status(signed, [_list(client)], keys) == (
        [("message", 0, "valid")],
        [],
    )
    record_suspend(record=record, actor=world.site_admin.user, reason="检查")
    assert status_list.check_status(signed, [_list(client)], keys) == (
        [("message", 1, "suspended")],
        [],
    )


def _bit(client, purpose, index):
    response = client.get(f"/certs/status/{purpose}")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    document = _decode(response)
    assert credentials.verify(document, _decode(client.get(KEYS_URL)))[0]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == purpose
    bits = status_list.decode(subject["encodedList"])
    assert len(bits) * 8 >= 131_072
    return status_list.bit_is_set(bits, index)


def test_status_lists_follow_the_record(client, world, record):
    other = QualificationRecordFactory(person=world.colleague)
    actor = world.site_admin.user
    assert not _bit(client, "revocation", record.pk)
    assert not _bit(client, "suspension", record.pk)

    record_suspend(record=record, actor=actor, reason="检查")
    assert _bit(client, "suspension", record.pk)
    assert not _bit(client, "revocation", record.pk)
    assert not _bit(client, "suspension", other.pk)

    record_reinstate(record=record, actor=actor, reason="复核通过")
    assert not _bit(client, "suspension", record.pk)

    record_revoke(record=record, actor=actor, reason="作废")
    assert _bit(client, "revocation", record.pk)
    assert not _bit(client, "suspension", record.pk)
    assert not _bit(client, "revocation", other.pk)


@pytest.mark.parametrize("purpose", ["message", "revocation", "suspension"])
def test_status_list_one_query(django_assert_num_queries, world, record, purpose):
    with django_assert_num_queries(1):
        status_list.status_list_credential(purpose)


def test_bitstring_order_and_size():
    bits = status_list.bitstring([0, 9, 131_072])
    assert len(bits) * 8 == 2 * 131_072
    assert bits[0] == 0x80 and bits[1] == 0x40
    assert status_list.bit_is_set(status_list.decode(status_list.encode(bits)), 9)
    assert status_list.encode(bits).startswith("u")


def test_two_bit_entries_order_and_size():
    """Entry i is bits 2i and 2i+1, most significant first (the left-most bit is
    index 0); the list holds a multiple of 131,072 entries."""
    bits = status_list.pack({0: 0x1, 1: 0x2, 5: 0x3, 131_072: 0x2}, 2)
    assert len(bits) * 8 == 2 * 2 * 131_072
    assert bits[0] == 0b01_10_00_00
    assert bits[1] == 0b00_11_00_00
    decoded = status_list.decode(status_list.encode(bits))
    values = [status_list.read(decoded, index, 2) for index in (0, 1, 2, 5, 131_072)]
    assert values == [1, 2, 0, 3, 2]
    with pytest.raises(IndexError):
        status_list.read(decoded, 2 * 131_072, 2)
    with pytest.raises(ValueError):
        status_list.pack({0: 4}, 2)


def _entry(**changes):
    entry = {
        "statusPurpose": "message",
        "statusListIndex": "3",
        "statusSize": 2,
        "statusMessage": credentials.status_messages(),
    }
    return entry | changes


def _message_list(bits):
    return {
        "credentialSubject": {
            "statusPurpose": "message",
            "statusSize": 2,
            "encodedList": status_list.encode(bits),
        }
    }


@pytest.mark.parametrize(
    "entry",
    [
        _entry(statusMessage=None),  # required when statusSize > 1
        _entry(statusMessage=credentials.status_messages()[:3]),  # 2**2 items
        _entry(statusSize=0),
        _entry(statusSize="2"),
        _entry(statusSize=1),  # disagrees with the list
        _entry(statusPurpose="revocation"),
        _entry(statusListIndex="-1"),
        _entry(statusListIndex=3),
    ],
)
def test_bad_status_entries_are_refused(entry):
    if entry["statusMessage"] is None:
        del entry["statusMessage"]
    listed = _message_list(status_list.pack({3: 1}, 2))
    with pytest.raises(ValueError):
        status_list.entry_status(entry, listed)


def test_a_short_list_is_refused():
    """Fewer than 131,072 entries of statusSize bits: STATUS_LIST_LENGTH_ERROR (a
    1-bit-sized list read as 2-bit has only 65,536 entries)."""
    listed = _message_list(status_list.bitstring([]))
    with pytest.raises(status_list.StatusError, match="STATUS_LIST_LENGTH_ERROR"):
        status_list.entry_status(_entry(), listed)
    assert status_list.entry_status(
        _entry(), _message_list(status_list.pack({3: 2}, 2))
    ) == (2, "revoked")


def test_unknown_status_purpose(client):
    assert client.get("/certs/status/other").status_code == 404


# --- Downloads ----------------------------------------------------------------------


def _url(record):
    return f"/certs/records/{record.serial}/credential.json"


def test_holder_downloads(client_for, world, record):
    response = client_for(world.trainee.user).get(_url(record))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vc+ld+json")
    assert record.serial in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    document = _decode(response)
    assert credentials.verify(document, signing.jwks())[0]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("colleague", 404),
        ("outsider", 404),
        ("station_staff", 200),
        ("org_admin", 200),
    ],
)
def test_download_scope(client_for, world, record, who, status):
    user = getattr(world, who).user
    assert client_for(user).get(_url(record)).status_code == status


def test_anonymous_and_pending(client, client_for, world, record):
    assert client.get(_url(record)).status_code == 404
    pending = QualificationRecordFactory(person=world.trainee, status="pending")
    assert client_for(world.trainee.user).get(_url(pending)).status_code == 404


# --- The offline command ------------------------------------------------------------


@pytest.fixture
def files(tmp_path, client, signed):
    def write(name, document):
        path = tmp_path / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return {
        "write": write,
        "credential": write("credential.json", signed),
        "keys": write("keys.json", _decode(client.get(KEYS_URL))),
    }


def _run(credential, keys, *status_lists):
    """The command's exit code (0, or the CommandError's) and its message (in
    English: the command speaks the active language)."""
    args = [arg for path in status_lists for arg in ("--status", path)]
    try:
        with translation.override("en"):
            call_command("verify_credential", credential, "--keys", keys, *args)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, ""


def test_command_verifies_a_good_file(files, capsys):
    assert _run(files["credential"], files["keys"]) == (0, "")
    assert "VERIFIED" in capsys.readouterr().out


def test_command_rejects_a_tampered_file(files, signed):
    tampered = copy.deepcopy(signed)
    identifier = tampered["credentialSubject"]["identifier"][0]
    identifier["identityHash"] = _flip(identifier["identityHash"])
    path = files["write"]("tampered.json", tampered)
    assert _run(path, files["keys"])[0] == 1


def test_command_rejects_duplicate_keys(files, tmp_path):
    text = (tmp_path / "credential.json").read_text(encoding="utf-8")
    path = tmp_path / "duplicate.json"
    path.write_text(text[:-1] + ', "name": "x"}', encoding="utf-8")
    assert _run(str(path), files["keys"])[0] == 1


def test_command_reports_revocation(files, client, world, record, capsys):
    def saved(purpose="message"):
        document = _decode(client.get(f"/certs/status/{purpose}"))
        return files["write"](f"{purpose}.json", document)

    # A list the credential does not name: its status is not settled.
    assert _run(files["credential"], files["keys"], saved("revocation"))[0] == 3
    assert _run(files["credential"], files["keys"], saved())[0] == 0
    assert "message: 0x0 valid" in capsys.readouterr().out

    record_suspend(record=record, actor=world.site_admin.user, reason="检查")
    code, message = _run(files["credential"], files["keys"], saved())
    assert code == 2
    assert "0x1 suspended" in message

    record_reinstate(record=record, actor=world.site_admin.user, reason="复核通过")
    record_revoke(record=record, actor=world.site_admin.user, reason="作废")
    code, message = _run(files["credential"], files["keys"], saved())
    assert code == 2
    assert "0x2 revoked" in message


def _old_style(record):
    """A credential as downloaded before the 2-bit list: two 1-bit entries."""
    document = credentials.credential_for(record)
    document["credentialSubject"]["name"] = record.person.name
    document["credentialStatus"] = [
        {
            "id": f"{credentials.status_list_url(purpose)}#{record.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(record.pk),
            "statusListCredential": credentials.status_list_url(purpose),
        }
        for purpose in ("revocation", "suspension")
    ]
    return credentials.sign(document)


def test_credentials_downloaded_before_still_verify(
    files, client, world, record, capsys
):
    """The 1-bit lists that earlier credentials name are still served and read."""
    path = files["write"]("old.json", _old_style(record))

    def saved(purpose):
        document = _decode(client.get(f"/certs/status/{purpose}"))
        return files["write"](f"{purpose}.json", document)

    # Only one of the two lists the credential names: its status is not settled.
    assert _run(path, files["keys"], saved("revocation"))[0] == 3
    lists = (saved("revocation"), saved("suspension"))
    assert _run(path, files["keys"], *lists)[0] == 0
    out = capsys.readouterr().out
    assert "revocation: not set" in out
    assert f"Holder: {record.person.name};" in out

    record_revoke(record=record, actor=world.site_admin.user, reason="作废")
    lists = (saved("revocation"), saved("suspension"))
    code, message = _run(path, files["keys"], *lists)
    assert code == 2
    assert "revocation" in message and "SET" in message


def test_command_refuses_a_tampered_status_list(files, client):
    document = _decode(client.get("/certs/status/message"))
    document["credentialSubject"]["encodedList"] = status_list.encode(
        status_list.pack({}, 2)
    )[:-1]
    path = files["write"]("message.json", document)
    assert _run(files["credential"], files["keys"], path)[0] == 3


def test_command_with_wrong_keys_fails(files):
    other = Ed25519PrivateKey.generate()
    keys = {"keys": [signing.public_jwk(other.public_key())]}
    assert _run(files["credential"], files["write"]("other.json", keys))[0] == 1
