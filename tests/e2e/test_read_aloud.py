"""朗读 on a phone whose speech synthesis is a recording stand-in
(tests/e2e/speech.py): a lesson is read block by block in Chinese with the
phone's zh-CN voice, pauses and resumes, and the control hides itself where the
phone has no voice for the page; in the 长辈版 every exam question has its own."""

import pytest
from playwright.sync_api import expect

from lms.people.services.preferences import elder_mode_set
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.elder_pages import elder_pages, start_exam
from tests.e2e.speech import CHINESE_VOICE, ENGLISH_VOICE, speech_stub, spoken
from tests.e2e.test_login import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LESSON_BLOCKS = [
    "灭火器的使用",
    "灭火器是扑救初起火灾最常用的器材。保安员要熟悉它的位置、种类和使用方法。",
    "使用方法",
    "提起灭火器，拔下保险销，一手握住喷管，对准火焰根部，用力压下压把。",
    "⚠ 安全提示",
    "电器着火时先切断电源，不能用水扑救。",
    "要点",
    "提",
    "拔",
    "握",
    "压",
]


def open_lesson(page, trainee, voices):
    page.context.add_init_script(speech_stub(voices))
    paths = elder_pages(trainee)
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    page.wait_for_url("**/")
    page.goto(paths["lesson"])
    return paths


def finish(page):
    page.evaluate("window.__speech.finish()")


def test_a_lesson_is_read_block_by_block_with_the_chinese_voice(phone, trainee):
    open_lesson(phone, trainee, [ENGLISH_VOICE, CHINESE_VOICE])
    control = phone.locator("[data-read-aloud]")
    toggle = control.locator("[data-read-aloud-toggle]")
    expect(toggle).to_have_text("朗读")
    toggle.click()
    expect(control).to_have_attribute("data-state", "playing")
    expect(toggle).to_have_text("暂停")
    expect(control.locator("[data-read-aloud-status]")).to_have_text(
        "正在朗读第 1 段，共 11 段"
    )
    expect(phone.locator(".read-aloud--current")).to_have_text("灭火器的使用")
    for _block in LESSON_BLOCKS:
        finish(phone)
    assert spoken(phone) == LESSON_BLOCKS
    log = [
        entry for entry in phone.evaluate("window.__speech.log") if entry != "cancel"
    ]
    assert {(entry["lang"], entry["voice"]) for entry in log} == {
        ("zh-CN", "Ting-Ting")
    }
    expect(control).to_have_attribute("data-state", "idle")
    expect(toggle).to_have_text("朗读")
    expect(phone.locator(".read-aloud--current")).to_have_count(0)


def test_reading_pauses_resumes_and_stops(phone, trainee):
    open_lesson(phone, trainee, [CHINESE_VOICE])
    control = phone.locator("[data-read-aloud]")
    toggle = control.locator("[data-read-aloud-toggle]")
    toggle.click()
    finish(phone)  # the title is read; now the first paragraph
    assert spoken(phone) == LESSON_BLOCKS[:2]

    toggle.click()
    expect(control).to_have_attribute("data-state", "paused")
    expect(toggle).to_have_text("继续")
    expect(control.locator("[data-read-aloud-status]")).to_have_text("已暂停")
    assert phone.evaluate("window.__speech.log.at(-1)") == "cancel"
    finish(phone)  # nothing is being spoken: nothing moves on
    assert spoken(phone) == LESSON_BLOCKS[:2]

    toggle.click()  # resumes with the paragraph it was reading
    expect(control).to_have_attribute("data-state", "playing")
    assert spoken(phone) == [*LESSON_BLOCKS[:2], LESSON_BLOCKS[1]]
    finish(phone)
    assert spoken(phone)[-1] == LESSON_BLOCKS[2]

    control.locator("[data-read-aloud-stop]").click()
    expect(control).to_have_attribute("data-state", "idle")
    expect(control.locator("[data-read-aloud-stop]")).to_be_hidden()
    finish(phone)
    assert spoken(phone)[-1] == LESSON_BLOCKS[2]
    toggle.click()  # from the start again
    assert spoken(phone)[-1] == LESSON_BLOCKS[0]


def test_no_voice_no_control(phone, trainee):
    open_lesson(phone, trainee, [])
    control = phone.locator("[data-read-aloud]")
    expect(phone.locator("h1")).to_have_text("灭火器的使用")
    expect(control).to_be_hidden()
    # A voice that cannot read Chinese is no voice for a Chinese page.
    phone.evaluate("(voice) => window.__speech.setVoices([voice])", ENGLISH_VOICE)
    expect(control).to_be_hidden()
    # Voices that arrive late (Chrome loads them after the page) bring it.
    phone.evaluate("(voice) => window.__speech.setVoices([voice])", CHINESE_VOICE)
    expect(control).to_be_visible()
    control.locator("[data-read-aloud-toggle]").click()
    assert spoken(phone) == LESSON_BLOCKS[:1]


def test_each_exam_question_is_read_in_the_elders_version(phone, trainee):
    elder_mode_set(user=trainee.user, on=True)
    paths = open_lesson(phone, trainee, [CHINESE_VOICE])
    start_exam(phone, paths["exam"])
    first, second = phone.locator("fieldset.question").all()
    first.locator("[data-read-aloud-toggle]").click()
    for _block in range(6):
        finish(phone)
    heading, stem, *options = spoken(phone)
    assert heading.startswith("第 1 题") and heading.endswith("50 分")
    assert stem == first.locator(".question__stem").inner_text()
    assert [option[:2] for option in options] == ["A ", "B ", "C ", "D "]
    expect(first.locator("[data-read-aloud]")).to_have_attribute("data-state", "idle")

    # One voice at a time: starting the second question stops the first.
    first.locator("[data-read-aloud-toggle]").click()
    second.locator("[data-read-aloud-toggle]").click()
    expect(first.locator("[data-read-aloud]")).to_have_attribute("data-state", "idle")
    assert spoken(phone)[-1].startswith("第 2 题")
