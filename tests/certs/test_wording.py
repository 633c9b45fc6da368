"""Requirements in words: what the trainee still has to do, as sentences with a
way to each (not "课程已完成: …", which reads as done), and the same sentences in
signed credentials' criteria, with the issuer named in the credential's language."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from lms.certs import credentials
from lms.certs.constants import RequirementKind
from lms.people.constants import CredentialKind
from tests.factories import (
    QualificationRecordFactory,
    QualificationTypeFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db


def test_each_kind_reads_as_something_to_do(duty):
    other = QualificationTypeFactory(code="FIRE-1", name="消防上岗资格")
    extra = [
        RequirementFactory(
            qualification_type=duty.type, kind=kind, within_months=12, **fields
        )
        for kind, fields in (
            (RequirementKind.DRILL_PASSED, {"drill_type": "first_aid"}),
            (RequirementKind.STUDY_HOURS, {"hours": Decimal("8.0")}),
            (RequirementKind.QUALIFICATION_HELD, {"other_type": other}),
            (
                RequirementKind.EXTERNAL_CREDENTIAL,
                {"credential_kind": CredentialKind.SECURITY_GUARD_CERTIFICATE},
            ),
        )
    ]
    with translation.override("zh-hans"):
        texts = [r.describe() for r in duty.type.requirements.all()]
        assert texts[:3] == [
            f"学完课程《{duty.course.title}》",
            f"通过考试《{duty.quiz.title}》",
            "参加一次消防演练",
        ]
        assert [r.describe() for r in extra] == [
            "在急救演练中通过技能考核（近 12 个月内）",
            "累计学习满 8 学时（近 12 个月内）",
            "持有资格“消防上岗资格”（近 12 个月内）",
            "由所在单位核验你的保安员证（近 12 个月内）",
        ]
    for text in texts:
        assert "#" not in text and ":" not in text and "已" not in text


def test_a_minimum_score_is_part_of_the_sentence(duty):
    requirement = duty.type.requirements.get(kind=RequirementKind.EXAM_PASSED)
    requirement.min_percent = Decimal("80.00")
    with translation.override("zh-hans"):
        assert requirement.describe().endswith("成绩不低于 80%")


def test_what_i_still_need_links_to_each_thing_to_do(client_for, world, duty):
    html = client_for(world.trainee.user).get("/certs/").content.decode()
    assert reverse("quiz_detail", args=[duty.quiz.pk]) in html
    assert 'href="/#my-drills"' in html
    assert "课程已完成" not in html and "已参加演练" not in html


def test_the_credential_criteria_and_issuer_in_the_credentials_language(
    world, duty, settings
):
    record = QualificationRecordFactory(
        person=world.trainee, qualification_type=duty.type
    )
    document = credentials.credential_for(record)
    narrative = document["credentialSubject"]["achievement"]["criteria"]["narrative"]
    with translation.override("zh-hans"):
        for requirement in duty.type.requirements.all():
            assert f"- {requirement.describe()}" in narrative
    assert "#" not in narrative
    assert document["issuer"]["name"] == "守望"
    settings.LANGUAGE_CODE = "en"
    assert credentials.credential_for(record)["issuer"]["name"] == "Shouwang"
    settings.CERTS_ISSUER_NAME = "深圳市保安服务总公司"
    assert credentials.issuer_profile()["name"] == "深圳市保安服务总公司"
