import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"', (HERE / "oscar_docdata" / "__init__.py").read_text(), re.M
).group(1)

setup(
    name="django-oscar-docdata",
    version=VERSION,
    description="Docdata Payments (CM.com) Order API 1.3 integration for Django Oscar",
    long_description=(HERE / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="MIT",
    packages=find_packages(include=["oscar_docdata", "oscar_docdata.*"]),
    include_package_data=True,
    package_data={
        "oscar_docdata": [
            "wsdl/*.wsdl",
            "wsdl/*.xsd",
            "templates/oscar_docdata/**/*.html",
            "templates/oscar_docdata/*.html",
            "locale/*/LC_MESSAGES/*.po",
            "locale/*/LC_MESSAGES/*.mo",
            "simulator/locale/*/LC_MESSAGES/*.po",
            "simulator/locale/*/LC_MESSAGES/*.mo",
        ],
    },
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=[
        "django-oscar>=4.2,<4.3",
        "Django>=5.2,<6.2",
        "zeep>=4.2",
        "lxml>=5.0",
        "requests>=2.31",
        # read1() and shutdown() bound a whole call by its deadline (gateway/transport.py).
        "urllib3>=2.3",
        # Django Tasks (oscar_docdata.tasks): built into Django 6 as django.tasks; this
        # backport provides it on Django 5.2. A requirement cannot depend on Django's
        # version (PEP 508 markers know only the platform and Python), so it is always
        # installed; on Django 6 it is not imported.
        "django-tasks>=0.12",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-django>=4.9",
            "mock>=5",
            "ruff",
            "hypothesis>=6.100",
            "psycopg[binary]>=3.1",
            # The database task backend and its worker (tests/operations/test_tasks.py).
            "django-tasks-db>=0.13",
            "playwright>=1.45",
        ],
    },
    classifiers=[
        "Development Status :: 4 - Beta",
        "Environment :: Web Environment",
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Intended Audience :: Developers",
        "License :: OSI Approved :: MIT License",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ],
)
