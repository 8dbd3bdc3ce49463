from django.apps import AppConfig


class SandboxShopConfig(AppConfig):
    name = "sandbox.shop"
    label = "sandbox_shop"
    verbose_name = "Sandbox shop"
