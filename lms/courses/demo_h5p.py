"""The demo's H5P activity: the bundled True/False package (demo_content/, MIT),
with its question and labels rewritten in Chinese, uploaded through the same service
instructors use."""

import io
import json
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from lms.h5p.services.packages import h5p_package_upload

SOURCE = Path(__file__).parent / "demo_content" / "truefalse.h5p"
QUESTION = "<p>电器设备起火时，应当立即用水扑救。</p>"
LABELS = {
    "trueText": "对",
    "falseText": "错",
    "score": "得分 @score / @total",
    "checkAnswer": "检查",
    "showSolutionButton": "查看答案",
    "tryAgain": "重试",
    "wrongAnswerMessage": "回答错误",
    "correctAnswerMessage": "回答正确",
    "scoreBarLabel": "得分 :num / :total",
}


def chinese_true_false_package():
    original = zipfile.ZipFile(SOURCE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "content/content.json":
                content = json.loads(data)
                content["question"] = QUESTION
                content["correct"] = "false"
                content.setdefault("l10n", {}).update(LABELS)
                data = json.dumps(content, ensure_ascii=False).encode()
            rewritten.writestr(info, data)
    upload = SimpleUploadedFile("electrical-fire.h5p", buffer.getvalue())
    package, _created = h5p_package_upload(file=upload, title="判断题：电器起火")
    return package
