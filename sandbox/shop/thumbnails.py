"""A thumbnailer that serves the original picture, so the sandbox needs no image library."""

from dataclasses import dataclass

from django.conf import settings
from oscar.core.thumbnails import AbstractThumbnailer


@dataclass(frozen=True)
class Picture:
    url: str


class OriginalImage(AbstractThumbnailer):
    """Return the source picture unscaled; the browser scales it (CSS in Oscar's theme)."""

    def generate_thumbnail(self, source, **opts) -> Picture:
        url = getattr(source, "url", None)
        return Picture(url=url or f"{settings.MEDIA_URL}{source}")

    def delete_thumbnails(self, source) -> None:
        """There are no thumbnail files to delete."""
