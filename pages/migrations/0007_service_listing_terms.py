"""`ServiceListing.terms`: each row's taxonomy terms as keys (decision 86).

Existing rows are filled from the service pages' many-to-many tables, so the filters
answer right from the moment the code that reads the column is deployed. On PostgreSQL a
GIN index serves `?|` (Django's `has_any_keys`); SQLite tests the keys row by row.
"""

from collections import defaultdict

from django.db import migrations, models

# As in `pages.models.listing`: kept here, a migration must not change with the code.
TERM_RELATIONS = {
    "category": "categories",
    "target_group": "target_groups",
    "language": "languages",
}
GIN_INDEX = "service_listing_terms"


def fill_terms(apps, schema_editor):
    ServicePage = apps.get_model("pages", "ServicePage")
    ServiceListing = apps.get_model("pages", "ServiceListing")
    terms = defaultdict(dict)
    for name, relation in TERM_RELATIONS.items():
        field = ServicePage._meta.get_field(relation)
        links = field.remote_field.through.objects.values_list(
            field.m2m_field_name(), field.m2m_reverse_field_name()
        )
        for page_id, term_id in links.iterator():
            terms[page_id][f"{name}:{term_id}"] = True
    listings = []
    for listing in ServiceListing.objects.only("pk", "service_id").iterator():
        listing.terms = terms.get(listing.service_id, {})
        listings.append(listing)
    ServiceListing.objects.bulk_update(listings, ["terms"], batch_size=1000)


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON pages_servicelisting USING gin (terms jsonb_ops)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0006_service_listing_location_by_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicelisting",
            name="terms",
            field=models.JSONField(default=dict, verbose_name="taxonomy terms"),
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
