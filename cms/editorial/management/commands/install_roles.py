from django.core.management.base import BaseCommand
from django.db import transaction

from cms.editorial.roles import install_role_groups
from cms.editorial.workflows import install_moderation


class Command(BaseCommand):
    help = (
        "Install the editorial roles (Coordinators, one editors group per organisation, one "
        "translators group per translated locale), their permissions and the moderation "
        "workflow. Only adds what is missing: safe to run on every deployment."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        groups = install_role_groups()
        workflow, pages = install_moderation()
        translators = ", ".join(group.name for group in groups.translators) or "none"
        self.stdout.write(f"Roles: {groups.coordinators.name}; translators: {translators}.")
        self.stdout.write(
            f"Organisation editors: {len(groups.organisation_editors)} organisation(s)."
        )
        self.stdout.write(f"Workflow “{workflow.name}” on {len(pages)} page(s) and their subtrees.")
