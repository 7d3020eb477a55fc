from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safeguard.linkage"
    label = "linkage"
    verbose_name = "Person linkage (master person index)"

    def ready(self) -> None:
        from safeguard.linkage import hooks

        hooks.connect()
