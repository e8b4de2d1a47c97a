"""Suite-wide settings. On CI (`CI` set) hypothesis is derandomized and has no deadline: a red run must mean a
real failure, not a new random example or a slow shared machine. Locally it explores new examples each run."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
