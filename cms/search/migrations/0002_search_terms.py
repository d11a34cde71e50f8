"""`SearchTerm`: each search document's lexemes, ranked alone (decision 87).

Existing documents get their terms here (PostgreSQL only; SQLite has no vectors), so a
one-word search answers right from the moment the code that reads them is deployed.
"""

import django.db.models.deletion
from django.db import migrations, models

# As in `cms.search.documents`: kept here, a migration must not change with the code.
FILL_TERMS = r"""
    INSERT INTO search_searchterm
        (document_id, language, page_type_id, page_id, config, lexeme, rank)
    SELECT document.id, document.language, page.content_type_id, document.page_id,
        document.config, term.lexeme,
        ts_rank(document.vector, (
            '''' || replace(replace(term.lexeme, '\', '\'), '''', '''''') || ''''
        )::tsquery)
    FROM search_searchdocument AS document
        JOIN wagtailcore_page AS page ON page.id = document.page_id,
        unnest(document.vector) AS term
"""


def fill_terms(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_TERMS)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('search', '0001_documents'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=10, verbose_name='language searched')),
                ('page_id', models.PositiveIntegerField(verbose_name='source page')),
                ('config', models.CharField(max_length=63, verbose_name='text search configuration')),
                ('lexeme', models.TextField(verbose_name='lexeme')),
                ('rank', models.FloatField(verbose_name='rank of the document for this lexeme')),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='terms', to='search.searchdocument', verbose_name='search document')),
                ('page_type', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype', verbose_name='page type')),
            ],
            options={
                'verbose_name': 'search term',
                'verbose_name_plural': 'search terms',
                'indexes': [models.Index(fields=['language', 'page_type', 'lexeme', '-rank', 'page_id'], include=('config',), name='search_term_best')],
            },
        ),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
    ]
