from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Locale

from cms.editorial.roles import ensure_coordinators, ensure_organisation_editors, ensure_translators
from pages.models import OrganisationPage
from pages.site_tree import ensure_site_tree

TRANSLATOR_LANGUAGE = "en"


class Command(BaseCommand):
    help = (
        "Create one demo account per role (coordinator, organisation editor, translator), "
        "each an ordinary member of its role's group, and print their credentials. "
        "For local use: never run it in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local development (DEBUG on) only.")
        home = ensure_site_tree().home
        organisation = (
            OrganisationPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
            .order_by("path")
            .first()
        )
        if organisation is None:
            raise CommandError("No organisation yet: run `manage.py load_demo` first.")
        locale = Locale.objects.get(language_code=TRANSLATOR_LANGUAGE)
        accounts = [
            ("coordinator", "Coordinator", ensure_coordinators(home)),
            ("editor", "Organisation editor", ensure_organisation_editors(organisation)),
            ("translator", "Translator", ensure_translators(locale)),
        ]
        password = settings.DEMO_PASSWORD
        self.stdout.write("Demo accounts (log in at /admin/):")
        for username, role, group in accounts:
            user = self._account(username, role, password)
            user.groups.add(group)
            self.stdout.write(f"  {role:<20} {username} / {password}  ({group.name})")
        self.stdout.write(f"  The organisation editor edits: {organisation.title}")

    def _account(self, username, role, password):
        """The demo account, created with `password` if missing; never a superuser.

        Accounts left over from when the demo coordinator was a superuser lose that
        status: each role's permissions come from its group only.
        """
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@demo.accmr.local", "first_name": role},
        )
        if created:
            user.set_password(password)
        user.is_superuser = False
        user.is_staff = False
        user.save()
        return user
