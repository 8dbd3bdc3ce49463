from oscar.apps.shipping import repository

from .methods import Delivery, Pickup


class Repository(repository.Repository):
    methods = (Delivery(), Pickup())
