from django.core.management.base import BaseCommand

from cms.supporters.demo import install_supporters_demo


class Command(BaseCommand):
    help = (
        "Install demo supporters, organisations' needs (and the needs of the demo actions) "
        "and synAthina offers, for trying the matching screen. Only adds what is missing; "
        "run after load_demo."
    )

    def handle(self, *args, **options):
        added = install_supporters_demo()
        self.stdout.write(
            "Supporters demo added: " + ", ".join(f"{n} {kind}" for kind, n in added.items())
        )
