"""A test URLconf: the simulator plus a tiny notification receiver and return page.

The receiver answers with the next status code of ``plan`` (then 200) and records
every call, so the simulator's retries can be watched without the plugin's views.
"""

import threading

from django.http import HttpResponse
from django.urls import include, path


class Receiver:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[str] = []
        self.plan: list[int] = []
        self.arrived = threading.Event()

    def reset(self, plan=()) -> None:
        with self.lock:
            self.calls.clear()
            self.plan = list(plan)
            self.arrived.clear()

    def answer(self, order_id: str) -> int:
        with self.lock:
            self.calls.append(order_id)
            status = self.plan.pop(0) if self.plan else 200
            if status == 200:
                self.arrived.set()
            return status


receiver = Receiver()


def update_order(request):
    status = receiver.answer(request.GET.get("order_id", ""))
    return HttpResponse("ok" if status == 200 else "nope", status=status,
                        content_type="text/plain")


def shop_return(request):
    return HttpResponse(f"back in the shop: {request.GET.urlencode()}",
                        content_type="text/plain")


urlpatterns = [
    path("docdata-sim/", include("oscar_docdata.simulator.urls")),
    path("shop/update_order/", update_order, name="order_status_update"),
    path("shop/return/", shop_return, name="return_url"),
]
