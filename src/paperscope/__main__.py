"""``python -m paperscope``: the same as the ``paperscope`` command."""

from paperscope.cli import main

main()
