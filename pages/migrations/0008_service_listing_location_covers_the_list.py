"""The `near` box's index includes the columns the list reads: an index-only scan."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pages', '0007_service_listing_terms'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='servicelisting',
            name='service_listing_location',
        ),
        migrations.AddIndex(
            model_name='servicelisting',
            index=models.Index(fields=['language', 'latitude', 'longitude'], include=('id', 'served_language', 'service_id'), name='service_listing_location'),
        ),
    ]
