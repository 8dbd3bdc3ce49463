"""URLs of the simulator. Mount under a prefix P and set DOCDATA_BASE_URL to P's URL."""

urlpatterns: list = []
