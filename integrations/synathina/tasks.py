"""Background tasks (django-tasks): run by `python manage.py db_worker` on PostgreSQL,
inline after the commit on the embedded SQLite default."""

from django_tasks import task

from .delivery import deliver


@task()
def deliver_notification(notification_id):
    """Deliver one outbox notification (see `delivery.deliver`); returns the outcome."""
    return str(deliver(notification_id))
