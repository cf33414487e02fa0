"""Allow ``python -m accsm_kg``."""

import sys

from accsm_kg.cli import main

sys.exit(main())
