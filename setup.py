"""The build step pyproject.toml cannot express: compile the message catalogues.

Every ``lib/chiso766/locale/<lang>/LC_MESSAGES/chiso766.po`` is compiled to its ``.mo`` in the
built package, so an installed workbook speaks Vietnamese with no step of its own (a checkout
compiles them at first use: :mod:`chiso766.i18n`)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """``build_py``, then the ``.mo`` of every ``.po`` in the build."""

    def run(self) -> None:
        super().run()
        try:
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po
        except ImportError:  # the package compiles them at first use
            return
        for po in Path(self.build_lib, "chiso766", "locale").glob("*/LC_MESSAGES/*.po"):
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale=po.parts[-3])
            for message in list(catalog):
                text = message.string
                if message.id and (not text or (isinstance(text, tuple) and not all(text))):
                    del catalog[message.id]
            with open(po.with_suffix(".mo"), "wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithCatalogues})
