import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from cms.supporters.privacy import erase_personal_data, export_personal_data

VIA = "manage.py supporter_data"


class Command(BaseCommand):
    help = (
        "Honour a supporter's access or erasure request: `export EMAIL` prints every "
        "sign-up and offer from synAthina with that address as JSON; `erase EMAIL` erases "
        "their personal data (keeping anonymised statistics). Both are recorded in the "
        "audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")

    def handle(self, *args, action, email, **options):
        if action == "export":
            data = export_personal_data(email, via=VIA)
            if not (data["sign_ups"] or data["offers_from_synathina"]):
                raise CommandError(f"No supporter has the address {email}.")
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            return
        erased = erase_personal_data(email, via=VIA)
        if not (erased.sign_ups or erased.offers):
            raise CommandError(f"No supporter has the address {email}.")
        self.stdout.write(
            f"Erased the personal data of {erased.sign_ups} sign-up(s) and "
            f"{erased.offers} offer(s) from synAthina with {email}."
        )
