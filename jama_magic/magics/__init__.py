"""The ``%jama`` / ``%%jama`` magics (``%load_ext jama_magic``): the IPython front door.

The entry point is :mod:`jama_magic.magics.commands`; ``parse`` and ``options``
read a line, ``placeholders`` fills a cell body, ``completer`` completes a line,
``sandbox_command`` runs ``%jama sandbox``,
``support`` and ``progress`` are the IPython-side helpers.
"""

from __future__ import annotations

from .commands import JamaMagic, load_ipython_extension, unload_ipython_extension

__all__ = ["JamaMagic", "load_ipython_extension", "unload_ipython_extension"]
