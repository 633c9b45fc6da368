"""Replace Wagtail's default welcome page by our HomePage (as Wagtail's project
template does), so a fresh install serves the trainee home at "/"."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    page_content_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_content_type, slug="home", depth=2).delete()
    homepage_content_type, __ = ContentType.objects.get_or_create(
        model="homepage", app_label="cms"
    )
    homepage = HomePage.objects.create(
        title="守望",
        draft_title="守望",
        slug="home",
        content_type=homepage_content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        intro="<p>保安员、义警与物业安保人员的培训与资格系统。</p>",
    )
    Site.objects.create(
        hostname="localhost", root_page=homepage, is_default_site=True, site_name="守望"
    )


def remove_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("cms.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()
    ContentType.objects.filter(model="homepage", app_label="cms").delete()


class Migration(migrations.Migration):
    run_before = [("wagtailcore", "0053_locale_model")]
    dependencies = [("cms", "0001_initial")]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
