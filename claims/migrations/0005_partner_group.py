"""The Partner group: read access to verdicts, for API-only accounts."""

from django.db import migrations

from claims.roles import roles_ensure


def create_groups(apps, schema_editor):
    roles_ensure(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_priority_language_reviews_tokens")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
