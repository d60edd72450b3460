import sys

from tillid.cli import main

sys.exit(main())
