import factory

from lms.quizzes.constants import QuestionKind
from lms.quizzes.models import Category, Question, QuestionBank, Quiz, QuizRule


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"题库{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("bank", "name")

    bank = factory.SubFactory(QuestionBankFactory)
    name = "法律法规"


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question whose correct option is the first (B, C… wrong)."""

    class Meta:
        model = Question

    category = factory.SubFactory(CategoryFactory)
    bank = factory.SelfAttribute("category.bank")
    code = factory.Sequence(lambda n: f"Q-{n:04d}")
    kind = QuestionKind.SINGLE
    stem = factory.Sequence(lambda n: f"第{n}题：保安员发现可疑人员应当怎么做？")
    options = factory.LazyFunction(
        lambda: ["及时报告并监视", "立即搜身", "扣押证件", "置之不理"]
    )
    answer = factory.LazyFunction(lambda: [0])
    explanation = "保安员无权搜身或扣押证件。"

    class Params:
        multiple = factory.Trait(
            kind=QuestionKind.MULTIPLE,
            options=factory.LazyFunction(
                lambda: ["拨打119", "切断电源", "用水扑救电器火", "疏散人员"]
            ),
            answer=factory.LazyFunction(lambda: [0, 1, 3]),
        )
        true_false = factory.Trait(
            kind=QuestionKind.TRUE_FALSE,
            options=factory.LazyFunction(list),
            answer=factory.LazyFunction(lambda: [0]),
        )


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"保安员考试{n}")
    time_limit_minutes = None
    shuffle_questions = True
    shuffle_options = True


class QuizRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizRule

    quiz = factory.SubFactory(QuizFactory)
    bank = factory.SubFactory(QuestionBankFactory)
    count = 5
    points = 1


def quiz_with_questions(*, count=5, points=20, kinds=(QuestionKind.SINGLE,), **quiz):
    """A quiz drawing ``count`` questions (worth ``points`` each) from a fresh bank
    holding exactly that many, cycling through ``kinds``."""
    category = CategoryFactory(bank=QuestionBankFactory())
    traits = {
        QuestionKind.SINGLE: {},
        QuestionKind.MULTIPLE: {"multiple": True},
        QuestionKind.TRUE_FALSE: {"true_false": True},
    }
    for i in range(count):
        QuestionFactory(category=category, **traits[kinds[i % len(kinds)]])
    quiz = QuizFactory(**quiz)
    QuizRuleFactory(quiz=quiz, bank=category.bank, count=count, points=points)
    return quiz
