"""ID photos move to the private photo storage under random names (lms/people/photos.py)."""

from django.db import migrations, models

import lms.people.photos


def move_photos(apps, schema_editor):
    """Photos uploaded before: from the public media folder to the private storage
    (old files deleted only after the migration commits)."""
    from lms.people.photos import move_public_photos

    move_public_photos(apps.get_model("people", "Person"))


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
        # Not reversible: putting ID photos back in the public folder is not a
        # rollback anyone should get by accident.
        migrations.RunPython(move_photos),
    ]
