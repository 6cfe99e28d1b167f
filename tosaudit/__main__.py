import sys

from tosaudit.cli import main

sys.exit(main())
