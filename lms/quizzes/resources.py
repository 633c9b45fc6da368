"""Spreadsheet columns for a question bank (django-import-export).

Training units keep their 题库 in Excel with Chinese headers (编号, 题型, 分类, 题干,
选项A…选项F, 答案, 解析, 难度, 标签); English headers are accepted too. A file goes
into one bank, chosen when importing. What makes a question valid is
``validation.question_problems``, the same rule as the admin form's; this module
only reads cells into a question and points each problem at a column.

Built for files of thousands of rows: the bank's questions, categories and tags are
read once (``before_import``), questions are written with ``bulk_create`` and
``bulk_update``, tags and the search index in bulk (``after_import``).
"""

import unicodedata
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from wagtail.search.backends import get_search_backends

from lms.core.spreadsheets import (
    ChoiceLabelWidget,
    Columns,
    NamedObjectWidget,
    RowCheckMixin,
    cell_text,
    spreadsheet_row,
)
from lms.quizzes.constants import FALSE, TRUE, Difficulty, QuestionKind
from lms.quizzes.forms import LETTERS, OPTION_FIELDS, QuestionForm
from lms.quizzes.models import Category, Question, TaggedQuestion
from lms.quizzes.validation import question_problems

COLUMNS = {
    "code": "编号",
    "kind": "题型",
    "category": "分类",
    "stem": "题干",
    **{
        name: f"选项{letter}"
        for name, letter in zip(OPTION_FIELDS, LETTERS, strict=True)
    },
    "answer": "答案",
    "explanation": "解析",
    "difficulty": "难度",
    "tags": "标签",
}
REQUIRED_COLUMNS = ("kind", "category", "stem", "answer")
COLUMN_LABELS = {
    "code": gettext_lazy("Code"),
    "kind": gettext_lazy("Type"),
    "category": gettext_lazy("Category"),
    "stem": gettext_lazy("Question text"),
    # The admin form's labels ("Option A"…): one translation for both.
    **{name: QuestionForm.base_fields[name].label for name in OPTION_FIELDS},
    "answer": gettext_lazy("Answer"),
    "explanation": gettext_lazy("Explanation"),
    "difficulty": gettext_lazy("Difficulty"),
    "tags": gettext_lazy("Tags"),
}
HEADER_ALIASES = {
    **{name.replace("_", ""): name for name in COLUMNS},
    **{header.lower(): name for name, header in COLUMNS.items()},
    **{
        letter.lower(): name
        for name, letter in zip(OPTION_FIELDS, LETTERS, strict=True)
    },
    "number": "code",
    "题号": "code",
    "试题编号": "code",
    "type": "kind",
    "类型": "kind",
    "试题类型": "kind",
    "类别": "category",
    "题目分类": "category",
    "question": "stem",
    "题目": "stem",
    "试题内容": "stem",
    "正确答案": "answer",
    "标准答案": "answer",
    "答案解析": "explanation",
    "试题解析": "explanation",
    "难易程度": "difficulty",
    "tag": "tags",
    "知识点": "tags",
}
QUESTION_COLUMNS = Columns(COLUMNS, COLUMN_LABELS, HEADER_ALIASES, REQUIRED_COLUMNS)

# What exports write, and what errors suggest; the import accepts more (below).
KIND_WRITTEN = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.TRUE_FALSE: "判断",
}
DIFFICULTY_WRITTEN = {
    Difficulty.EASY: "易",
    Difficulty.MEDIUM: "中",
    Difficulty.HARD: "难",
}
KIND_SYNONYMS = {
    "单选题": QuestionKind.SINGLE,
    "单项选择题": QuestionKind.SINGLE,
    "多选题": QuestionKind.MULTIPLE,
    "多项选择题": QuestionKind.MULTIPLE,
    "判断题": QuestionKind.TRUE_FALSE,
    "true/false": QuestionKind.TRUE_FALSE,
    **{text: kind for kind, text in KIND_WRITTEN.items()},
}
DIFFICULTY_SYNONYMS = {
    "容易": Difficulty.EASY,
    "简单": Difficulty.EASY,
    "中等": Difficulty.MEDIUM,
    "一般": Difficulty.MEDIUM,
    "困难": Difficulty.HARD,
    "较难": Difficulty.HARD,
    **{text: value for value, text in DIFFICULTY_WRITTEN.items()},
}
TRUE_FALSE_ANSWERS = {
    **dict.fromkeys(("正确", "对", "√", "✓", "✔", "t", "true", "是"), TRUE),
    **dict.fromkeys(("错误", "错", "×", "✗", "✘", "x", "f", "false", "否"), FALSE),
}
TRUE_FALSE_WRITTEN = {TRUE: "正确", FALSE: "错误"}
# Between answer letters (after NFKC, which makes "，" a ","): "A,C", "A、C", "A C".
ANSWER_SEPARATORS = frozenset(",、;/|.") | frozenset(" \t")
TAG_SEPARATORS = str.maketrans(dict.fromkeys(",，;；|", "、"))
MAX_CODE_LENGTH = Question._meta.get_field("code").max_length
MAX_TAG_LENGTH = TaggedQuestion.tag_model()._meta.get_field("name").max_length


def parse_answer(kind, value):
    """The indices of the correct options from an 答案 cell: letters for choice
    questions (any case, any separators), 正确/错误 and the like for true/false.
    Whether the answer fits the question is ``question_problems``' business."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    if not text:
        return []
    if kind == QuestionKind.TRUE_FALSE:
        if text.lower() not in TRUE_FALSE_ANSWERS:
            raise ValueError(
                _(
                    "“%(value)s” is not an answer to a true/false question: "
                    "use %(allowed)s."
                )
                % {"value": text, "allowed": "、".join(TRUE_FALSE_WRITTEN.values())}
            )
        return [TRUE_FALSE_ANSWERS[text.lower()]]
    letters = [char for char in text.upper() if char not in ANSWER_SEPARATORS]
    if any(letter not in LETTERS for letter in letters):
        raise ValueError(
            _(
                "“%(value)s” is not an answer: use option letters A to %(last)s, "
                "e.g. B or ACD."
            )
            % {"value": text, "last": LETTERS[-1]}
        )
    return sorted(LETTERS.index(letter) for letter in letters)


def parse_tags(value):
    """Tag names from a 标签 cell, separated by 、 (or commas or semicolons)."""
    text = cell_text(value).translate(TAG_SEPARATORS)
    names = list(dict.fromkeys(name.strip() for name in text.split("、")))
    names = [name for name in names if name]
    if any(len(name) > MAX_TAG_LENGTH for name in names):
        raise ValueError(
            _("A tag is longer than %(max)s characters.") % {"max": MAX_TAG_LENGTH}
        )
    return names


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length=None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("Too long: at most %(max)s characters.") % {"max": self.max_length}
            )
        return text


def column(name, widget):
    """The field for the model attribute ``name`` under its spreadsheet header."""
    return fields.Field(attribute=name, column_name=COLUMNS[name], widget=widget)


class QuestionResource(RowCheckMixin, resources.ModelResource):
    """Import into one bank (``bank``); export any questions."""

    code = column("code", TextWidget(max_length=MAX_CODE_LENGTH))
    kind = column(
        "kind",
        ChoiceLabelWidget(
            QuestionKind, None, synonyms=KIND_SYNONYMS, written=KIND_WRITTEN
        ),
    )
    stem = column("stem", TextWidget())
    answer = fields.Field(column_name=COLUMNS["answer"])
    explanation = column("explanation", TextWidget())
    difficulty = column(
        "difficulty",
        ChoiceLabelWidget(
            Difficulty,
            Difficulty.MEDIUM,
            synonyms=DIFFICULTY_SYNONYMS,
            written=DIFFICULTY_WRITTEN,
        ),
    )
    tags = fields.Field(column_name=COLUMNS["tags"])

    class Meta:
        model = Question
        fields = tuple(COLUMNS)
        import_order = export_order = tuple(COLUMNS)
        import_id_fields = ()
        use_bulk = True
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        clean_model_instances = False

    # Compared to tell an unchanged row from an update (tags apart).
    COMPARED = ("code", "kind", "category_id", "stem", "options", "answer")
    COMPARED += ("explanation", "difficulty")

    def __init__(self, *, bank=None):
        super().__init__()
        self.bank = bank
        # Categories are created in the bank on purpose, not by a typo in a file.
        self.fields["category"] = column(
            "category",
            NamedObjectWidget(
                bank.categories.all() if bank else Category.objects.none(),
                required=True,
                unknown=lambda name, known: (
                    _("Unknown category “%(name)s”. Categories of %(bank)s: %(known)s.")
                    % {"name": name, "bank": bank.name, "known": known}
                ),
            ),
        )
        for index, name in enumerate(OPTION_FIELDS):
            self.fields[name] = fields.Field(
                column_name=COLUMNS[name],
                dehydrate_method=lambda question, i=index: (
                    question.options[i] if i < len(question.options) else ""
                ),
            )

    # -- import ---------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Read the bank's questions and their tags once (its categories: the
        category widget, once too); then find which question each row is
        (``_targets``) and which rows clash (``_clashes``)."""
        self._dataset = dataset
        self._saved = []
        self._row_tags = {}
        questions = list(Question.objects.filter(bank=self.bank))
        self._before = {q.pk: self._compared(q) for q in questions}
        self._changed_fields = set()
        self._tags = defaultdict(set)
        for question_id, name in TaggedQuestion.objects.filter(
            content_object__bank=self.bank
        ).values_list("content_object_id", "tag__name"):
            self._tags[question_id].add(name)
        self._identify(dataset, questions)

    def _identify(self, dataset, questions):
        """A row is the question with its 编号, else the one with exactly its 题干.
        A row with a new 编号 takes over a question that has that 题干 and no 编号
        yet, so that numbering a bank later does not duplicate it."""
        by_code = {q.code: q for q in questions if q.code}
        by_stem = defaultdict(list)
        for question in questions:
            by_stem[question.stem].append(question)
        self._targets, self._clashes = {}, {}
        row_of_key, row_of_question = {}, {}
        for number, row in enumerate(dataset.dict, start=1):
            code = cell_text(row.get(COLUMNS["code"]))
            stem = cell_text(row.get(COLUMNS["stem"]))
            if not (code or stem):
                continue
            same_stem = by_stem.get(stem, [])
            if code:
                uncoded = [q for q in same_stem if not q.code]
                target = by_code.get(code) or (
                    uncoded[0] if len(uncoded) == 1 else None
                )
                key, column = ("code", code), "code"
            else:
                target = same_stem[0] if len(same_stem) == 1 else None
                key, column = ("stem", stem), "stem"
                if len(same_stem) > 1:
                    self._clashes[number] = (
                        column,
                        _(
                            "%(count)s questions of this bank have this text; "
                            "give the code (编号) of the one to update."
                        )
                        % {"count": len(same_stem)},
                    )
            earlier = row_of_key.get(key) or (
                row_of_question.get(target.pk) if target else None
            )
            if earlier:
                self._clashes[number] = (
                    column,
                    _("Row %(row)s of this file is already this question.")
                    % {"row": spreadsheet_row(dataset, earlier)},
                )
                continue
            row_of_key[key] = number
            if target:
                row_of_question[target.pk] = number
                self._targets[number] = target

    def get_instance(self, instance_loader, row):
        return self._targets.get(self._current_row)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A row matched by its 题干 and without 编号 keeps the question's code.
        if (
            field.attribute == "code"
            and instance.code
            and not cell_text(row.get(field.column_name))
        ):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def row_problems(self, instance, row, *, failed, **kwargs):
        number = kwargs.get("row_number")
        if number in self._clashes:
            yield self._clashes[number]
        if "kind" not in failed:
            # The type says how to read the answer; with no type, nothing to check.
            yield from self._import_options_and_answer(instance, row)
        if COLUMNS["tags"] in row:
            try:
                self._row_tags[number] = parse_tags(row[COLUMNS["tags"]])
            except ValueError as error:
                yield "tags", str(error)

    def _import_options_and_answer(self, instance, row):
        texts = [cell_text(row.get(COLUMNS[name])) for name in OPTION_FIELDS]
        while texts and not texts[-1]:
            texts.pop()
        try:
            answer = parse_answer(instance.kind, row.get(COLUMNS["answer"]))
        except ValueError as error:
            yield "answer", str(error)
            return
        instance.options, instance.answer = texts, answer
        checked = {"kind": instance.kind, "options": texts, "answer": answer}
        problems = question_problems(**checked, stem=instance.stem)
        if problems:
            # The rule speaks of the whole question; asking again with some text
            # tells which problem is the empty 题干, so the report can point there.
            without_stem = set(question_problems(**checked, stem="?"))
            for problem in problems:
                yield ("answer" if problem in without_stem else "stem"), problem

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        tags = self._row_tags.get(self._current_row)
        return self._compared(instance) == self._before[instance.pk] and (
            tags is None or set(tags) == self._tags[instance.pk]
        )

    def _compared(self, question):
        return {name: getattr(question, name) for name in self.COMPARED}

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.bank = self.bank

    def before_save_instance(self, instance, row, **kwargs):
        instance.bank = self.bank
        if instance.pk:
            before = self._before[instance.pk]
            self._changed_fields.update(
                name
                for name, value in self._compared(instance).items()
                if value != before[name]
            )
        # bulk_update() leaves auto_now fields alone.
        instance.updated_at = timezone.now()

    def after_save_instance(self, instance, row, **kwargs):
        self._saved.append((instance, self._row_tags.get(self._current_row)))

    def get_bulk_update_fields(self):
        """Only the columns some row changes: bulk_update() builds a CASE of every
        row for each column, the slow part of an import that updates."""
        changed = [name for name in self.COMPARED if name in self._changed_fields]
        return [name.removesuffix("_id") for name in changed] + ["updated_at"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, **kwargs):
        if self._nothing_to_write(dry_run, kwargs.get("result")):
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, **kwargs)

    def bulk_update(self, using_transactions, dry_run, raise_errors, **kwargs):
        if self._nothing_to_write(dry_run, kwargs.get("result")):
            self.update_instances.clear()
            return
        super().bulk_update(using_transactions, dry_run, raise_errors, **kwargs)

    @staticmethod
    def _nothing_to_write(dry_run, result):
        """A dry run, or a file with a bad row, writes nothing: the counts and
        errors are known before any write."""
        return dry_run or (result is not None and result.has_validation_errors())

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource's: it resets the id sequence to the table's maximum,
        # which only imports that set ids need, and which could hand out an id
        # that another transaction has just taken.
        if self._nothing_to_write(kwargs.get("dry_run"), result) or result.has_errors():
            return
        self._write_tags()
        self._update_search_index()

    def _write_tags(self):
        """The rows' tags replace the questions' tags: a few queries, not a few
        per row (the tag manager would save each question's tags on its own)."""
        changed = [
            (question, names)
            for question, names in self._saved
            if names is not None and set(names) != self._tags.get(question.pk, set())
        ]
        if not changed:
            return
        tags = self._tags_named({name for _q, names in changed for name in names})
        TaggedQuestion.objects.filter(
            content_object_id__in=[
                q.pk for q, _names in changed if q.pk in self._before
            ]
        ).delete()
        TaggedQuestion.objects.bulk_create(
            TaggedQuestion(content_object_id=question.pk, tag=tags[name])
            for question, names in changed
            for name in names
        )

    @staticmethod
    def _tags_named(names):
        """Tags by name, creating the missing ones; slugs as taggit makes them."""
        tag_model = TaggedQuestion.tag_model()
        tags = {tag.name: tag for tag in tag_model.objects.filter(name__in=names)}
        new = [
            tag_model(name=name, slug=tag_model().slugify(name))
            for name in sorted(names - tags.keys())
        ]
        taken = set(
            tag_model.objects.filter(slug__in=[t.slug for t in new]).values_list(
                "slug", flat=True
            )
        )
        clear = []
        for tag in new:
            if tag.slug and tag.slug not in taken:
                taken.add(tag.slug)
                clear.append(tag)
            else:
                # Rare: taggit's save() finds a free slug ("…_1").
                tags[tag.name] = tag_model.objects.create(name=tag.name)
        tags.update((tag.name, tag) for tag in tag_model.objects.bulk_create(clear))
        return tags

    def _update_search_index(self):
        """bulk_create() and bulk_update() send no signals, so the search index
        hears of new questions and of changed 题干 or 编号 from here."""
        searched = [
            question
            for question, _tags in self._saved
            if question.pk not in self._before
            or question.code != self._before[question.pk]["code"]
            or question.stem != self._before[question.pk]["stem"]
        ]
        if searched:
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(Question, searched)

    # -- export ---------------------------------------------------------------

    def before_export(self, queryset, **kwargs):
        self._export_tags = defaultdict(list)
        for question_id, name in (
            TaggedQuestion.objects.filter(content_object__in=queryset.values("pk"))
            .order_by("pk")
            .values_list("content_object_id", "tag__name")
        ):
            self._export_tags[question_id].append(name)

    def dehydrate_answer(self, question):
        if question.kind == QuestionKind.TRUE_FALSE:
            return "".join(TRUE_FALSE_WRITTEN.get(i, "") for i in question.answer)
        return "".join(LETTERS[i] for i in question.answer if i < len(LETTERS))

    def dehydrate_tags(self, question):
        return "、".join(self._export_tags.get(question.pk, []))
