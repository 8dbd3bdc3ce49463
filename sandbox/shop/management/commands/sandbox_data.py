from django.core.management.base import BaseCommand

from sandbox.shop.catalogue import load_all


class Command(BaseCommand):
    help = "Load the sandbox's countries, catalogue, stock and staff login (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--domain", default="127.0.0.1:8000", help="Domain of the Site used in mails."
        )

    def handle(self, *args, domain, **options):
        email, password = load_all(domain=domain)
        self.stdout.write(self.style.SUCCESS("Sandbox data loaded."))
        self.stdout.write(f"Dashboard login: {email} / {password}")
