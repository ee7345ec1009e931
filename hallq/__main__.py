"""`python -m hallq` runs the hallq command."""
import sys

from hallq.cli import main

sys.exit(main())
