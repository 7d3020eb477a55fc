from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "safeguard.monitoring"
    label = "monitoring"
    verbose_name = "Electronic monitoring"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from safeguard.licences.models import Licence, LicenceCondition
        from safeguard.monitoring.evaluation_queue import on_order_source_changed
        from safeguard.people.models import PersonAddress

        # What monitoring orders are built from (licences/orders.py): a change to any of them
        # tells the queued evaluators to rebuild their orders (ADR 0112).
        for model in (Licence, LicenceCondition, PersonAddress):
            for signal in (post_save, post_delete):
                signal.connect(
                    on_order_source_changed,
                    sender=model,
                    dispatch_uid=f"monitoring-orders-{model.__name__}-{signal is post_save}",
                )
