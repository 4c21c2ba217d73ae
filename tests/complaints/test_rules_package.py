"""``complaints.rules`` is a package (``tiers``, ``risk``); callers keep importing the package, so
every public name defined in one of its modules is re-exported by it."""

import ast
import inspect

from complaints import rules
from complaints.rules import risk, tiers


def defined_names(module) -> set[str]:
    """The public names the module itself defines (not those it imports)."""
    names = set()
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                names |= {element.id for element in elements if isinstance(element, ast.Name)}
    return {name for name in names if not name.startswith("_")}


def test_every_public_name_of_the_modules_is_re_exported():
    for module in (tiers, risk):
        names = defined_names(module)
        assert names <= set(rules.__all__), module.__name__
        assert all(getattr(rules, name) is getattr(module, name) for name in names)


def test_the_modules_define_no_name_twice():
    assert not defined_names(tiers) & defined_names(risk)
