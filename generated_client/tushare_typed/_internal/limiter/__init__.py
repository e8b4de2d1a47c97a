"""Rate limiting: the limiter policy (:mod:`.policy`), the one :class:`Limiter` protocol and the backend contract
(:mod:`.protocol`), and the window backends (:mod:`.memory`, :mod:`.sqlite`, the latter imported on use)."""
