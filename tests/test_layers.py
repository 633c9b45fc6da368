"""The house (docs/architecture.md): each floor imports only the floors below it and
no modules import each other in a circle. The contracts are import-linter's, kept in
pyproject.toml ([tool.importlinter]); this runs them, and shows that they would
catch the imports this layout removed."""

import copy
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter import api  # noqa: F401 - configures import-linter's readers
from importlinter.application.use_cases import read_user_options
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = {"floors": LayersContract, "no-circles": AcyclicSiblingsContract}


def test_the_house_keeps_its_contracts():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own venv's lint-imports
        [lint, "--config", "pyproject.toml", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.fixture(scope="module")
def options():
    return read_user_options(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(options):
    return grimp.build_graph(*options.session_options["root_packages"], cache_dir=None)


def _check(options, graph, contract_id):
    (contract_options,) = [
        o for o in options.contracts_options if o["id"] == contract_id
    ]
    contract = CONTRACTS[contract_id](
        name=contract_options["name"],
        session_options=options.session_options,
        contract_options=contract_options,
    )
    return contract.check(copy.deepcopy(graph), verbose=False)


def test_the_contracts_hold_on_the_graph_as_built(options, graph):
    assert _check(options, graph, "floors").kept
    assert _check(options, graph, "no-circles").kept


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # What the records did before they announced events (lms/core/events.py).
        ("lms.drills.services", "lms.certs.tasks"),
        ("lms.h5p.services.statements", "lms.courses.services"),
        ("lms.quizzes.views", "lms.courses.models"),
        # An app reaching into the shell, the ground reaching into an app.
        ("lms.people.views", "cms.urls"),
        ("lms.core.spreadsheets", "lms.people.models"),
        # Siblings on the records' floor are independent.
        ("lms.drills.views", "lms.quizzes.models"),
    ],
)
def test_an_import_against_the_floors_breaks_the_contract(
    options, graph, importer, imported
):
    graph = copy.deepcopy(graph)
    graph.add_import(importer=importer, imported=imported)
    assert not _check(options, graph, "floors").kept


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        # The reminder service queued its e-mails itself (now lms.certs.tasks does).
        ("lms.certs.services.reminders", "lms.certs.tasks"),
        # A page reading its own selectors (now lms/courses/page_context.py does).
        ("lms.courses.models.pages", "lms.courses.selectors"),
    ],
)
def test_an_import_circle_breaks_the_contract(options, graph, importer, imported):
    graph = copy.deepcopy(graph)
    graph.add_import(importer=importer, imported=imported)
    assert not _check(options, graph, "no-circles").kept
