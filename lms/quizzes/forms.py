"""Admin forms. Options and the answer key are stored as lists (``Question.options``,
``Question.answer``); instructors edit them as lettered text boxes and ticks, the
way a paper question bank reads."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.quizzes.constants import FALSE, TRUE, QuestionKind
from lms.quizzes.drawing import rules_problems

LETTERS = "ABCDEF"
OPTION_FIELDS = [f"option_{letter.lower()}" for letter in LETTERS]


class QuestionForm(WagtailAdminModelForm):
    option_a = forms.CharField(label=_("Option A"), required=False)
    option_b = forms.CharField(label=_("Option B"), required=False)
    option_c = forms.CharField(label=_("Option C"), required=False)
    option_d = forms.CharField(label=_("Option D"), required=False)
    option_e = forms.CharField(label=_("Option E"), required=False)
    option_f = forms.CharField(label=_("Option F"), required=False)
    correct = forms.MultipleChoiceField(
        label=_("Correct options"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(letter, letter) for letter in LETTERS],
        help_text=_("For single and multiple choice questions."),
    )
    true_or_false = forms.ChoiceField(
        label=_("Answer to a true/false question"),
        required=False,
        choices=[("", "—"), ("true", _("True")), ("false", _("False"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question = self.instance
        for name, text in zip(OPTION_FIELDS, question.options or [], strict=False):
            self.initial[name] = text
        if question.kind == QuestionKind.TRUE_FALSE and question.answer:
            self.initial["true_or_false"] = (
                "true" if question.answer[0] == TRUE else "false"
            )
        elif question.answer:
            self.initial["correct"] = [LETTERS[i] for i in question.answer if i < 6]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        texts = [cleaned.get(name, "").strip() for name in OPTION_FIELDS]
        while texts and not texts[-1]:
            texts.pop()
        if kind == QuestionKind.TRUE_FALSE:
            # Option texts typed for a true/false question are an error, not dropped.
            options = texts
            choice = cleaned.get("true_or_false")
            answer = [] if not choice else [TRUE if choice == "true" else FALSE]
        else:
            options = texts
            answer = sorted(
                LETTERS.index(letter) for letter in cleaned.get("correct", [])
            )
        # The model's clean() (run next, by the form's validation of the instance)
        # applies question_problems to these and reports what is wrong, once.
        self.instance.options, self.instance.answer = options, answer
        return cleaned


class QuizForm(WagtailAdminModelForm):
    """Checks, before saving, that the bank holds enough questions for every rule."""

    def clean(self):
        cleaned = super().clean()
        rules = [
            form.instance
            for form in self.formsets["rules"].forms
            if form.is_valid()
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
        ]
        for problem in rules_problems(rules):
            self.add_error(None, problem)
        return cleaned
