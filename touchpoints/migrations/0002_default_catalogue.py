from django.db import migrations


def install(apps, schema_editor):
    from touchpoints.catalogue import install_default_catalogue

    install_default_catalogue(apps.get_model("touchpoints", "Step"), apps.get_model("touchpoints", "ActionType"))


class Migration(migrations.Migration):
    dependencies = [("touchpoints", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
