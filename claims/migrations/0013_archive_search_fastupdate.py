"""The archive's GIN index without a pending list (PostgreSQL).

With ``fastupdate`` on (the default), new entries wait in a pending list that every search reads
in full until VACUUM merges it: right after an import of 10,000 fact-checks the planner priced
the index so high that it read the archive sequentially, once per search term (about 40 ms of
database CPU per claim matched, against about 3 ms after VACUUM). Entries arrive one article at a
time, so inserting straight into the index costs little."""

from django.db import migrations


def fastupdate(on: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            value = "on" if on else "off"
            schema_editor.execute(f"ALTER INDEX IF EXISTS archive_entry_search SET (fastupdate = {value})")
            if not on:  # merge what waits in the list now, rather than at the next VACUUM
                schema_editor.execute(
                    "SELECT gin_clean_pending_list(c.oid) FROM pg_class c "
                    "WHERE c.relname = 'archive_entry_search' AND c.relkind = 'i'"
                )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_claim_matching"),
    ]

    operations = [
        migrations.RunPython(fastupdate(False), fastupdate(True)),
    ]
