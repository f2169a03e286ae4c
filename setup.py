"""Packaging for estate.  The version is defined once, in estate/__init__.py."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "estate" / "__init__.py").read_text()).group(1)

setup(
    name="estate",
    version=VERSION,
    description="Discover UK councils' legacy IT estates and find where they can converge",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    packages=find_packages(include=["estate", "estate.*"]) + ["estate.templates"],
    # templates/ lives at the top of the repository (users copy it to brand the report)
    # and ships inside the package as estate.templates
    package_dir={"estate.templates": "templates"},
    package_data={
        "estate": ["data/*.csv", "data/*.md", "data/catalogue/*.yaml"],
        "estate.templates": ["*.html", "*.css", "*.js"],
    },
    install_requires=[
        "networkx>=3.0",
        "PyYAML>=6.0",
        "Jinja2>=3.1",
        "click>=8.1",
        "graphviz>=0.20",
        "openpyxl>=3.1",
        # fast, well-kept fuzzy matching: closest catalogue names for unresolved vendors
        "rapidfuzz>=3.0",
        # analysis.json of a national estate (385 MB) written about 3x faster than json
        # gives it, byte for byte the same (estate/output.py checks and falls back)
        "orjson>=3.8",
        # the parse cache: a data-only format (MessagePack) that decodes about as fast as
        # pickle did, without pickle's ability to run code from a crafted cache entry
        "msgspec>=0.18",
        # openpyxl streams the register through lxml when it is installed: a quarter faster
        "lxml>=4.9",
    ],
    extras_require={
        "test": ["pytest>=7", "hypothesis>=6", "playwright>=1.40", "pyflakes>=3"],
    },
    entry_points={"console_scripts": ["estate=estate.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Environment :: Console",
        "Intended Audience :: Information Technology",
    ],
)
