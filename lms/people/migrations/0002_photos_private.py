"""ID photos move to the private photo storage under random names (lms/people/photos.py)."""

from django.db import migrations, models

import lms.people.photos


def move_photos(apps, schema_editor):
    """Photos uploaded before: from the public media folder to the private storage."""
    from django.core.files.storage import default_storage

    from lms.people.photos import photo_name, photo_storage

    Person = apps.get_model("people", "Person")
    private = photo_storage()
    for pk, old in Person.objects.exclude(photo="").values_list("pk", "photo"):
        if private.exists(old) or not default_storage.exists(old):
            continue
        with default_storage.open(old, "rb") as handle:
            new = private.save(photo_name(None, old), handle)
        Person.objects.filter(pk=pk).update(photo=new)
        default_storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="photo",
            field=models.ImageField(
                blank=True,
                storage=lms.people.photos.photo_storage,
                upload_to=lms.people.photos.photo_name,
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(move_photos, migrations.RunPython.noop),
    ]
