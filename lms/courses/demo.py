"""Demo courses and seasonal classes for ``seed_demo`` (idempotent: pages are found by
slug, so a second run changes nothing)."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from lms.courses.authoring import courses_authoring_setup
from lms.courses.constants import Audience, EnrolmentStatus, SeasonalTheme
from lms.courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    ModulePage,
    SeasonalClassPage,
)
from lms.courses.services import assignment_create, lesson_complete
from lms.people.models import Organisation, Person, Team, User


def p(*paragraphs):
    return RichText("".join(f"<p>{text}</p>" for text in paragraphs))


EXTINGUISHER = [
    (
        "paragraph",
        p(
            "手提式干粉灭火器适用于扑救固体、液体、气体和带电设备的初起火灾，是保安员岗位最常见的消防器材。"
        ),
    ),
    (
        "procedure",
        {
            "title": "灭火器使用四步",
            "steps": [
                {
                    "title": "提",
                    "text": "提起灭火器，上下颠倒摇晃几次，使干粉松动。",
                    "image": None,
                },
                {"title": "拔", "text": "拔掉保险销。", "image": None},
                {"title": "握", "text": "一手握住喷管，对准火焰根部。", "image": None},
                {
                    "title": "压",
                    "text": "另一手用力压下压把，站在上风方向，由近及远左右扫射。",
                    "image": None,
                },
            ],
        },
    ),
    (
        "checklist",
        {
            "title": "每日巡查要点",
            "items": [
                "压力表指针在绿色区域",
                "保险销和铅封完好",
                "喷管无老化、无堵塞",
                "放置位置醒目、取用方便",
            ],
        },
    ),
]
FIRST_RESPONSE = [
    ("heading", "发现火情怎么办"),
    (
        "paragraph",
        p(
            "发现火情，第一时间拨打 119 报警，同时报告值班领导和派出所，"
            "说清地址、起火物和有无人员被困。",
            "在确保自身安全的前提下扑救初起火灾；火势扩大时立即组织疏散。",
        ),
    ),
    (
        "warning",
        {"title": "注意", "text": "电器设备起火，必须先切断电源，严禁直接用水扑救。"},
    ),
]
EVACUATION = [
    (
        "paragraph",
        p("疏散时引导群众用湿毛巾捂住口鼻，低姿沿疏散指示标志撤离，严禁乘坐电梯。"),
    ),
    (
        "checklist",
        {
            "title": "疏散引导要点",
            "items": [
                "打开所有安全出口",
                "在楼梯口、拐角处安排人员引导",
                "清点人数，向消防员报告被困人员情况",
            ],
        },
    ),
]
PATROL_LESSONS = [
    (
        "巡逻路线与频次",
        [
            (
                "paragraph",
                p(
                    "警保联动点位按 A、B、C、D 四类管理。"
                    "A 类商圈点位每小时至少巡逻一次，夜间加密。"
                ),
            ),
            (
                "checklist",
                {
                    "title": "巡逻必带",
                    "items": ["对讲机", "强光手电", "执法记录仪", "巡逻登记本"],
                },
            ),
        ],
    ),
    (
        "可疑情况处置",
        [
            (
                "paragraph",
                p(
                    "发现可疑人员，先观察、再询问，保持安全距离；遇持械、醉酒闹事等情况，立即报告派出所并保护现场。"
                ),
            ),
            (
                "warning",
                {
                    "title": "牢记",
                    "text": "保安员无执法权，不得搜查他人身体、扣押他人证件。",
                },
            ),
        ],
    ),
]
FIRST_AID = [
    (
        "procedure",
        {
            "title": "心肺复苏（CPR）",
            "steps": [
                {
                    "title": "判断",
                    "text": "轻拍双肩、大声呼唤，判断有无意识和呼吸。",
                    "image": None,
                },
                {"title": "呼救", "text": "请旁人拨打 120，取来 AED。", "image": None},
                {
                    "title": "按压",
                    "text": "两乳头连线中点，深度 5–6 厘米，频率每分钟 100–120 次。",
                    "image": None,
                },
                {
                    "title": "通气",
                    "text": "每按压 30 次，人工呼吸 2 次。",
                    "image": None,
                },
            ],
        },
    ),
]
WINTER_POWER = [
    (
        "paragraph",
        p("冬季取暖用电负荷大，电动车违规充电、电暖器靠近可燃物是火灾主要原因。"),
    ),
    (
        "checklist",
        {
            "title": "巡查重点",
            "items": [
                "楼道内不得停放电动车、飞线充电",
                "电暖器远离窗帘、被褥",
                "大功率电器不共用一个插座",
            ],
        },
    ),
]
FRAUD = [
    (
        "paragraph",
        p(
            "开学季，冒充老师收取资料费、冒充客服退款是常见骗局。提醒家长：涉及转账，先打电话核实。"
        ),
    )
]


def _child(parent, page_class, slug, **fields):
    existing = page_class.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing, False
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _demo_h5p_package():
    """The bundled True/False package, reworded in Chinese, uploaded once."""
    from lms.courses.demo_h5p import chinese_true_false_package

    return chinese_true_false_package()


@transaction.atomic
def seed_courses():
    home = Page.objects.get(depth=2, slug="home").specific
    catalogue, _ = _child(
        home,
        CourseIndexPage,
        "courses",
        title="培训课程",
        intro=p("保安员、义警和物业安保人员的必修课程与季节性小课堂。"),
    )
    courses_authoring_setup(catalogue=catalogue)
    fire, _ = _child(
        catalogue,
        CoursePage,
        "fire-safety",
        title="消防安全基础",
        summary="认识灭火器，学会初起火灾扑救和疏散引导。",
        study_hours=Decimal(2),
        audience=Audience.EVERYONE,
        open_enrolment=False,
        counts_toward="FIRE-12M",
    )
    extinguisher, _ = _child(
        fire,
        LessonPage,
        "extinguisher",
        title="认识灭火器",
        minutes=15,
        body=EXTINGUISHER,
    )
    package = _demo_h5p_package()
    first_response = [*FIRST_RESPONSE]
    if package is not None:
        first_response.append(
            (
                "h5p",
                {
                    "package": package,
                    "title": "判断题：电器起火",
                    "pass_mark": 100,
                    "required": True,
                },
            )
        )
    _child(
        fire,
        LessonPage,
        "first-response",
        title="初起火灾扑救",
        minutes=20,
        body=first_response,
    )
    _child(
        fire,
        LessonPage,
        "evacuation",
        title="火场疏散引导",
        minutes=15,
        body=EVACUATION,
    )

    patrol, _ = _child(
        catalogue,
        CoursePage,
        "patrol",
        title="警保联动巡逻规范",
        summary="点位分类、巡逻频次和可疑情况处置。",
        study_hours=Decimal(3),
        audience=Audience.GUARDS,
        open_enrolment=True,
        counts_toward="JB-DUTY",
    )
    module, _ = _child(patrol, ModulePage, "basics", title="巡逻基础")
    for index, (title, body) in enumerate(PATROL_LESSONS):
        _child(
            module,
            LessonPage,
            f"patrol-{index + 1}",
            title=title,
            minutes=20,
            body=body,
        )
    aid, _ = _child(
        catalogue,
        CoursePage,
        "first-aid",
        title="急救常识",
        summary="心肺复苏和常见外伤处理。",
        study_hours=Decimal(1),
        audience=Audience.EVERYONE,
        open_enrolment=True,
    )
    _child(aid, LessonPage, "cpr", title="心肺复苏", minutes=20, body=FIRST_AID)

    now = timezone.now()
    winter, created = _child(
        catalogue,
        SeasonalClassPage,
        "winter-fire",
        title="冬季防火小课堂",
        theme=SeasonalTheme.WINTER_FIRE,
        summary="取暖季用电和电动车充电安全。",
        study_hours=Decimal("0.5"),
        go_live_at=now - datetime.timedelta(days=7),
        expire_at=now + datetime.timedelta(days=60),
        lessons=[("lesson", extinguisher)],
    )
    _child(
        winter,
        LessonPage,
        "winter-power",
        title="冬季取暖用电安全",
        minutes=10,
        body=WINTER_POWER,
    )
    _child(
        catalogue,
        SeasonalClassPage,
        "school-fraud",
        title="开学季防诈骗小课堂",
        theme=SeasonalTheme.ANTI_FRAUD,
        summary="识别冒充老师、客服的骗局。",
        study_hours=Decimal("0.5"),
        go_live_at=now - datetime.timedelta(days=120),
        expire_at=now - datetime.timedelta(days=30),
    )
    call_command("publish_scheduled", verbosity=0)  # archives the expired class

    admin = User.objects.filter(username="instructor").first()
    company = Organisation.objects.get(code="SEC-ZA")
    assignment_create(
        page=fire,
        organisation=company,
        actor=admin,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    volunteers = Team.objects.get(organisation__code="VOL-XMH", name="第一分队")
    assignment_create(page=patrol, team=volunteers, actor=admin)
    # The second station's company (lms.people.demo.STATION_2) has its own.
    assignment_create(
        page=patrol,
        organisation=Organisation.objects.get(code="SEC-FA"),
        actor=admin,
        due_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    trainee = Person.objects.get(user__username="trainee1")
    lesson_complete(person=trainee, lesson=extinguisher)
    return {
        "courses": CoursePage.objects.count(),
        "lessons": LessonPage.objects.count(),
    }


def quiz_place(quiz):
    """``quiz`` closes the fire-safety course's evacuation lesson (the practice quiz
    of lms.quizzes.demo; seed_demo ties the two)."""
    lesson = LessonPage.objects.filter(
        slug="evacuation", url_path__contains="/fire-safety/"
    ).first()
    if lesson is None or any(b.block_type == "quiz" for b in lesson.body):
        return
    lesson.body.append(("quiz", {"quiz": quiz, "required": True}))
    lesson.save_revision().publish()


def completions_seed(people, *, days_ago):
    """``people`` completed the patrol course ``days_ago`` days ago."""
    page = CoursePage.objects.filter(slug="patrol").first()
    if page is None:
        return
    for person in people:
        Enrolment.objects.update_or_create(
            person=person,
            page=page,
            defaults={
                "status": EnrolmentStatus.COMPLETED,
                "completed_at": timezone.now() - datetime.timedelta(days=days_ago),
                "hours_credited": page.study_hours or 0,
            },
        )
