from oscar.apps.shipping.models import *  # noqa: F403 - the fork keeps Oscar's models
