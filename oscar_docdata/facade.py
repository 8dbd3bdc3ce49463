"""The old package's home of the Oscar facade, kept so that shops' imports and settings
(``from oscar_docdata.facade import Facade``, ``DOCDATA_FACADE_CLASS =
"oscar_docdata.facade.Facade"``, the default) keep working. The code lives in
:mod:`oscar_docdata.oscar_adapter.facade`.
"""

from oscar_docdata.configured_facade import get_facade, get_facade_class
from oscar_docdata.oscar_adapter.facade import DocdataPaymentError, Facade

__all__ = ["DocdataPaymentError", "Facade", "get_facade", "get_facade_class"]
