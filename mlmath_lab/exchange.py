"""The name instructors' configurations use: ``mlmath_lab.exchange.ExchangeSubmit``
(the exchange lives in :mod:`mlmath_lab.nbgrader.exchange`)."""

from .nbgrader.exchange import ExchangeSubmit

__all__ = ["ExchangeSubmit"]
